"""JWT rejects through the local API Gateway: missing, expired, bad signature, wrong role, other partner."""

from __future__ import annotations

import time

import jwt
import pytest

from support import Api, register_partner


@pytest.fixture(scope="module")
def two_partners(api: Api) -> tuple[dict, dict]:
    return register_partner(api), register_partner(api)


def error_of(response) -> dict:  # noqa: ANN001
    body = response.json()
    assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"]), body
    return body["error"]


def test_health_needs_no_token(api: Api) -> None:
    response = api.as_(None).get("/health")
    assert response.status_code == 200 and response.json()["status"] == "ok"


@pytest.mark.parametrize("path", ["/partners", "/contracts"])
def test_missing_token_is_401(api: Api, path: str) -> None:
    response = api.as_(None).get(path)
    assert response.status_code == 401 and error_of(response)["code"] == "unauthorized"


def test_expired_token_is_401(api: Api, stack) -> None:  # noqa: ANN001
    expired = stack.token(role="admin", ttl_seconds=-120)
    response = api.as_(expired).get("/partners")
    assert response.status_code == 401 and "expired" in error_of(response)["message"]


def test_bad_signature_is_401(api: Api) -> None:
    now = int(time.time())
    forged = jwt.encode(
        {
            "sub": "x",
            "role": "admin",
            "iss": "hexabuilders",
            "aud": "hexabuilders-api",
            "iat": now,
            "exp": now + 60,
        },
        "not-the-stack-key" * 4,
        algorithm="HS256",
    )
    response = api.as_(forged).get("/partners")
    assert response.status_code == 401 and "signature" in error_of(response)["message"].lower()


def test_wrong_role_is_403(partner_api, two_partners) -> None:  # noqa: ANN001
    mine = partner_api(two_partners[0]["partner_id"])
    for method, path, body in [
        (
            "POST",
            "/partners",
            {"name": "x", "email": "x@x.example", "partner_type": "COMPANY", "country": "ES"},
        ),
        ("POST", f"/partners/{two_partners[0]['partner_id']}/deactivate", {}),
        ("POST", "/contracts", {"partner_id": two_partners[0]["partner_id"], "contract_type": "STANDARD"}),
    ]:
        response = mine.request(method, path, body)
        assert response.status_code == 403, (path, response.text)
        assert error_of(response)["code"] == "forbidden"


def test_other_partners_data_is_404_and_lists_are_scoped(partner_api, two_partners, api: Api) -> None:  # noqa: ANN001
    mine, theirs = two_partners
    me = partner_api(mine["partner_id"])
    assert me.get(f"/partners/{mine['partner_id']}").status_code == 200
    response = me.get(f"/partners/{theirs['partner_id']}")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    assert me.patch(f"/partners/{theirs['partner_id']}", {"name": "hijack"}).status_code == 404
    assert [p["partner_id"] for p in me.get("/partners").json()["items"]] == [mine["partner_id"]]
    assert me.get("/contracts", params={"partner_id": theirs["partner_id"]}).json()["items"] == []
    from support import wait_for_contract

    their_contract = wait_for_contract(api, theirs["partner_id"])
    assert me.get(f"/contracts/{their_contract['contract_id']}").status_code == 404
    assert me.get(f"/contracts/{their_contract['contract_id']}/events").status_code == 404
    assert me.post(f"/contracts/{their_contract['contract_id']}/sign", {"signed_by": "me"}).status_code == 404
