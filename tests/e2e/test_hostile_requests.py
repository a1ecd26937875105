"""Requests a careless client or an attacker sends, through the local API Gateway (issue 12 #5-#10):
each gets a 4xx JSON error naming what is wrong, nothing is half-written, nothing answers 500."""

from __future__ import annotations

import base64
import json
import time
from concurrent.futures import ThreadPoolExecutor

import jwt
import pytest

from hexa_shared.clock import new_id
from support import Api, BusTap, campaign_body, partner_with_permission, register_partner, wait_for_contract

PERFORMANCE = {"impressions": 1000, "clicks": 40, "conversions": 4, "revenue": "400.00", "spend": "50.00"}


def raw(api: Api, method: str, path: str, body: str | bytes) -> object:
    return api.http.request(
        method,
        api.base_url + path,
        data=body,
        timeout=15,
        headers={"Authorization": f"Bearer {api.token}", "Content-Type": "application/json"},
    )


def error_of(response, status: int) -> dict:  # noqa: ANN001
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"]), body
    return body["error"]


@pytest.fixture(scope="module")
def known_partner(api: Api) -> str:
    partner_id = register_partner(api)["partner_id"]
    wait_for_contract(api, partner_id)
    return partner_id


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e309", "-1e400"])
def test_non_finite_numbers_in_a_body_are_400_and_nothing_is_stored(
    api: Api, known_partner: str, number: str
) -> None:
    """#5: terms took NaN, Infinity and 1e309, stored them forever and served bare NaN."""
    before = api.get("/contracts", params={"partner_id": known_partner}).json()["items"]
    body = '{"partner_id": "%s", "contract_type": "PREMIUM", "terms": {"fee": %s}}' % (known_partner, number)
    error = error_of(raw(api, "POST", "/contracts", body), 400)
    assert error["code"] == "malformed_request" and error["details"][0]["field"] == "(body)"
    assert api.get("/contracts", params={"partner_id": known_partner}).json()["items"] == before


@pytest.mark.parametrize("depth", [33, 5000, 30000])
def test_deep_nesting_is_400_not_500(api: Api, known_partner: str, depth: int) -> None:
    """#6: nesting past the parser's recursion limit raised RecursionError → 500."""
    nested = "[" * depth + "]" * depth
    body = '{"partner_id": "%s", "contract_type": "PREMIUM", "terms": {"x": %s}}' % (known_partner, nested)
    error = error_of(raw(api, "POST", "/contracts", body), 400)
    assert "nested deeper than 32" in error["message"]


def test_terms_nested_within_the_limit_are_kept(api: Api, known_partner: str) -> None:
    terms: dict = {"leaf": "ok"}
    for level in range(29):  # body → terms → 29 levels → leaf: 32 in all
        terms = {f"l{level}": terms}
    created = api.post(
        "/contracts", {"partner_id": known_partner, "contract_type": "PREMIUM", "terms": terms}
    )
    assert created.status_code == 201, created.text and created.json()["terms"] == terms


def test_duplicate_keys_are_400_instead_of_last_one_wins(api: Api, known_partner: str) -> None:
    body = '{"partner_id": "%s", "contract_type": "PREMIUM", "contract_type": "ENTERPRISE"}' % known_partner
    error = error_of(raw(api, "POST", "/contracts", body), 400)
    assert "duplicate key 'contract_type'" in error["message"]


def test_a_cursor_that_was_edited_forged_or_truncated_is_400(api: Api) -> None:
    """#7: a next_token re-encoded with an attribute of another type reached DynamoDB → 500."""
    for _ in range(3):
        register_partner(api)
    first = api.get("/partners", params={"limit": 1}).json()
    signed = first["next_token"]
    assert api.get("/partners", params={"limit": 1, "next_token": signed}).status_code == 200
    inner, mac = signed.rsplit(".", 1)
    key = json.loads(base64.urlsafe_b64decode(inner + "=" * (-len(inner) % 4)))
    retyped = {name: {"N": "1"} for name in key}  # the attack: same names, another type
    forged = base64.urlsafe_b64encode(json.dumps(retyped).encode()).decode().rstrip("=")
    for token in (
        f"{forged}.{mac}",
        forged,
        signed[:-2],
        signed + "x",
        f"{inner}.{mac[::-1]}",
        "e30",
        "....",
    ):
        error = error_of(api.get("/partners", params={"limit": 1, "next_token": token}), 400)
        assert error["details"] == [
            {"field": "next_token", "issue": "tampered with, truncated or issued elsewhere"}
        ]


@pytest.mark.parametrize("partner_id", [{"$ne": "x"}, ["a", "b"], 12345, "not-a-uuid", None])
def test_a_partner_token_with_an_untyped_partner_id_is_401(api: Api, stack, partner_id: object) -> None:  # noqa: ANN001
    """#8: partner_id as an object or a list listed another partner's data, or answered 500."""
    from hexa_infra.tokens import SIGNING_KEY_RESOURCE, signing_key

    key = signing_key(stack.clients("secretsmanager"), stack.resources[SIGNING_KEY_RESOURCE].ref)
    now = int(time.time())
    claims = {
        "sub": "mallory",
        "role": "partner",
        "partner_id": partner_id,
        "iss": "hexabuilders",
        "aud": "hexabuilders-api",
        "iat": now,
        "exp": now + 60,
    }
    token = jwt.encode(claims, key, algorithm="HS256")
    for path in ("/partners", "/contracts", "/campaigns", "/jobs"):
        assert error_of(api.as_(token).get(path), 401)["code"] == "unauthorized"


@pytest.mark.parametrize("budget", ["1_000", "1E+1", "-0", "-5.00", " 10.00", "10.001", 10.5, "0x10", "١٠"])
def test_budgets_follow_the_money_grammar(api: Api, budget: object) -> None:
    """#9: budgets took "1_000" and "1E+1"."""
    partner, _ = partner_with_permission(api)
    error = error_of(api.post("/campaigns", campaign_body(partner["partner_id"], budget=budget)), 422)
    assert [d["field"] for d in error["details"]] == ["budget"]


@pytest.mark.parametrize(
    "day", ["2026-W49-1", "20261201", "0001-01-01", "9999-12-31", "2026-02-30", "2026-1-1"]
)
def test_dates_are_strictly_yyyy_mm_dd_in_a_sane_range(api: Api, day: str) -> None:
    partner, _ = partner_with_permission(api)
    error = error_of(api.post("/campaigns", campaign_body(partner["partner_id"], start_date=day)), 422)
    assert [d["field"] for d in error["details"]] == ["start_date"]


def test_zero_spend_is_echoed_as_zero_and_minus_zero_is_refused(api: Api) -> None:
    partner, _ = partner_with_permission(api)
    campaign = api.post("/campaigns", campaign_body(partner["partner_id"])).json()
    path = f"/campaigns/{campaign['campaign_id']}/performance/2026-02-01"
    refused = api.request("PUT", path, {**PERFORMANCE, "revenue": "-0"})
    assert [d["field"] for d in error_of(refused, 422)["details"]] == ["revenue"]
    recorded = api.request("PUT", path, {**PERFORMANCE, "revenue": "0"})
    assert recorded.status_code == 200 and recorded.json()["metrics"]["revenue"] == "0.00"


@pytest.mark.parametrize("name", ["Acme\u0000Corp", "Acme\u0007", "Acme\nCorp", "\u009bAcme"])
def test_control_characters_in_text_are_422_naming_the_field(api: Api, name: str) -> None:
    """#9: NUL characters were stored in names."""
    body = {"name": name, "email": f"{new_id()[:8]}@ctl.example", "partner_type": "COMPANY", "country": "ES"}
    assert [d["field"] for d in error_of(api.post("/partners", body), 422)["details"]] == ["name"]


def test_control_characters_in_nested_terms_and_keys_are_named(api: Api, known_partner: str) -> None:
    terms = {"fee": "1\u0000", "notes": "multi\nline is fine", "k\u0001": "v"}
    error = error_of(
        api.post("/contracts", {"partner_id": known_partner, "contract_type": "PREMIUM", "terms": terms}), 422
    )
    assert sorted(d["field"] for d in error["details"]) == ["terms", "terms.fee"]


def test_a_lone_surrogate_is_400(api: Api) -> None:
    body = '{"name": "\\ud800", "email": "s@x.example", "partner_type": "COMPANY", "country": "ES"}'
    assert "surrogate" in error_of(raw(api, "POST", "/partners", body), 400)["message"]


def test_commission_rate_as_a_json_float_is_422(api: Api) -> None:
    body = {
        "name": "Floaty",
        "email": f"{new_id()[:8]}@float.example",
        "partner_type": "COMPANY",
        "country": "ES",
        "commission_rate": 0.25,
    }
    assert [d["field"] for d in error_of(api.post("/partners", body), 422)["details"]] == ["commission_rate"]


def test_a_contract_only_for_a_partner_onboarding_knows(api: Api) -> None:
    """#9: contracts were created for partners that do not exist."""
    error = error_of(api.post("/contracts", {"partner_id": new_id(), "contract_type": "PREMIUM"}), 422)
    assert error["code"] == "partner_not_known"
    assert error["details"] == [{"field": "partner_id", "issue": "not a registered partner (yet)"}]


def test_twenty_identical_concurrent_performance_puts_all_answer_200(cloud, aws, api: Api) -> None:  # noqa: ANN001
    """#10: 20 identical concurrent PUTs gave 5 × 200 and 15 × 409."""
    partner, _ = partner_with_permission(api)
    campaign = api.post("/campaigns", campaign_body(partner["partner_id"])).json()
    tap = BusTap(aws("events"), aws("sqs"), cloud.resources["EventBus"].ref)
    path = f"/campaigns/{campaign['campaign_id']}/performance/2026-03-01"
    clients = [Api(api.base_url, api.token) for _ in range(20)]
    with ThreadPoolExecutor(20) as pool:
        responses = list(pool.map(lambda client: client.request("PUT", path, PERFORMANCE), clients))
    assert [r.status_code for r in responses] == [200] * 20, [
        r.text for r in responses if r.status_code != 200
    ]
    assert api.get(f"/campaigns/{campaign['campaign_id']}").json()["spent"] == "50.00"  # moved once
    report = api.get(f"/campaigns/{campaign['campaign_id']}/performance").json()
    assert [d["date"] for d in report["series"]] == ["2026-03-01"]
    cloud.wait_until_idle(timeout=20)
    recorded = [
        e
        for e in tap.drain()
        if e["detail-type"] == "CampaignPerformanceRecorded"
        and e["detail"]["data"]["campaign_id"] == campaign["campaign_id"]
    ]
    assert len(recorded) == 1  # the same content again is no new fact
