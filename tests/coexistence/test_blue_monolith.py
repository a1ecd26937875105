"""Blue, the monolith stand-in: the platform's API on the legacy schema, served by waitress over a real
socket, same tokens and error shape, the monolith's own behaviour (Spanish values, appended corrections,
case-sensitive emails, no budget limits)."""

from __future__ import annotations

import uuid

import psycopg
import requests
from psycopg.rows import dict_row

PERFORMANCE = {"impressions": 1000, "clicks": 40, "conversions": 4, "revenue": "400.00", "spend": "50.00"}


def _partner(admin: requests.Session, blue, **overrides) -> dict:  # noqa: ANN001
    body = {
        "name": "Peñalara Diseño S.L.",
        "email": f"hola-{uuid.uuid4().hex[:8]}@penalara.example",
        "partner_type": "COMPANY",
        "country": "ES",
        **overrides,
    }
    created = admin.post(f"{blue.url}/partners", json=body)
    assert created.status_code == 201, created.text
    return created.json()


def test_health_is_public_and_everything_else_needs_a_token(blue) -> None:  # noqa: ANN001
    assert requests.get(f"{blue.url}/health").json() == {"status": "ok", "service": "monolith"}
    refused = requests.get(f"{blue.url}/partners")
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
    assert refused.headers["X-Served-By"] == "blue"
    forged = requests.get(f"{blue.url}/partners", headers={"Authorization": "Bearer x.y.z"})
    assert forged.status_code == 401


def test_a_partner_is_stored_in_the_monoliths_words_and_served_in_the_platforms(blue, admin) -> None:  # noqa: ANN001
    partner = _partner(admin, blue)
    assert partner["partner_type"] == "COMPANY" and partner["status"] == "ACTIVE"
    assert partner["commission_rate"] == "0.10" and partner["created_at"].endswith("Z")
    with psycopg.connect(blue.dsn, row_factory=dict_row) as conn:
        row = conn.execute(
            "SELECT tipo, estado, nombre FROM partners WHERE id = %s", (partner["partner_id"],)
        ).fetchone()
    assert (row["tipo"], row["estado"], row["nombre"]) == ("EMPRESA", "ACTIVO", "Peñalara Diseño S.L.")
    assert admin.get(f"{blue.url}/partners/{partner['partner_id']}").json() == partner
    duplicate = admin.post(
        f"{blue.url}/partners",
        json={**{k: partner[k] for k in ("name", "email", "country")}, "partner_type": "COMPANY"},
    )
    assert duplicate.status_code == 409
    case_twin = admin.post(
        f"{blue.url}/partners",
        json={"name": "Twin", "email": partner["email"].upper(), "partner_type": "AGENCY", "country": "ES"},
    )
    assert case_twin.status_code == 201  # the monolith's bug (a case-sensitive unique email), kept on purpose
    bad = admin.post(
        f"{blue.url}/partners",
        json={"name": "X", "email": "x@y.example", "partner_type": "FREELANCER", "country": "ES"},
    )
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "partner_type"


def test_the_contract_lifecycle_with_if_match_and_partner_scoping(blue, admin) -> None:  # noqa: ANN001
    partner, other = _partner(admin, blue), _partner(admin, blue)
    created = admin.post(
        f"{blue.url}/contracts",
        json={"partner_id": partner["partner_id"], "contract_type": "PREMIUM", "terms": {"pago": "mensual"}},
    )
    assert (
        created.status_code == 201
        and created.json()["status"] == "DRAFT"
        and created.headers["ETag"] == '"1"'
    )
    cid = created.json()["contract_id"]
    assert (
        admin.post(f"{blue.url}/contracts/{cid}/activate", json={}).status_code == 409
    )  # illegal transition
    assert (
        admin.post(f"{blue.url}/contracts/{cid}/submit", json={}, headers={"If-Match": "7"}).status_code
        == 412
    )
    assert (
        admin.post(f"{blue.url}/contracts/{cid}/submit", json={}, headers={"If-Match": '"1"'}).status_code
        == 200
    )
    own = blue.session("partner", partner["partner_id"])
    signed = own.post(f"{blue.url}/contracts/{cid}/sign", json={"signed_by": "Begoña Ibáñez"})
    assert signed.status_code == 200 and signed.json()["signed_by"] == "Begoña Ibáñez"
    assert blue.session("partner", other["partner_id"]).get(f"{blue.url}/contracts/{cid}").status_code == 404
    assert admin.post(f"{blue.url}/contracts/{cid}/activate", json={}).json()["status"] == "ACTIVE"
    history = admin.get(f"{blue.url}/contracts/{cid}/events").json()["items"]
    assert [e["event_type"] for e in history] == ["ContractDrafted", "ContractSigned", "ContractActivated"]
    assert admin.get(f"{blue.url}/permissions/{partner['partner_id']}").json() == {
        "partner_id": partner["partner_id"],
        "can_create_campaigns": True,
        "max_budget_limit": "50000.00",
        "contract_id": cid,
    }
    unknown = admin.post(
        f"{blue.url}/contracts", json={"partner_id": str(uuid.uuid4()), "contract_type": "PREMIUM"}
    )
    assert unknown.status_code == 422


def test_campaigns_performance_corrections_commissions_and_profile(blue, admin) -> None:  # noqa: ANN001
    partner = _partner(admin, blue, commission_rate="0.20")
    pid = partner["partner_id"]
    assert (
        admin.post(
            f"{blue.url}/campaigns",
            json={
                "partner_id": pid,
                "name": "Sin permiso",
                "budget": "10.00",
                "start_date": "2026-01-01",
                "end_date": "2026-12-31",
            },
        ).status_code
        == 403
    )
    cid = admin.post(f"{blue.url}/contracts", json={"partner_id": pid, "contract_type": "STANDARD"}).json()[
        "contract_id"
    ]
    for step, body in (("submit", {}), ("sign", {"signed_by": "Ana"}), ("activate", {})):
        assert admin.post(f"{blue.url}/contracts/{cid}/{step}", json=body).status_code == 200
    campaign = admin.post(
        f"{blue.url}/campaigns",
        json={
            "partner_id": pid,
            "name": "Otoño",
            "budget": "15000.00",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
        },
    )
    assert campaign.status_code == 201  # over the STANDARD limit: the monolith never enforced limits
    campaign_id = campaign.json()["campaign_id"]
    path = f"{blue.url}/campaigns/{campaign_id}/performance/2026-02-01"
    assert admin.put(path, json=PERFORMANCE).status_code == 200
    corrected = admin.put(path, json={**PERFORMANCE, "revenue": "500.00", "spend": "60.00"}).json()
    assert corrected["campaign"]["spent"] == "60.00"  # the latest correction of the day is the truth
    statement = admin.get(f"{blue.url}/partners/{pid}/commissions").json()
    assert (
        statement["items"]
        == [
            {
                "campaign_id": campaign_id,
                "date": "2026-02-01",
                "revenue": "500.00",
                "commission_rate": "0.20",
                "commission": "100.00",
            }
        ]
        and statement["total"] == "100.00"
    )
    with psycopg.connect(blue.dsn) as conn:
        assert (
            conn.execute(
                "SELECT count(*) FROM campaign_performance WHERE campaign_id = %s", (campaign_id,)
            ).fetchone()[0]
            == 2
        )  # appended, as the monolith does
    report = admin.get(f"{blue.url}/campaigns/{campaign_id}/performance").json()
    assert report["totals"]["revenue"] == "500.00" and report["budget_remaining"] == "14940.00"
    assert admin.post(f"{blue.url}/campaigns/{campaign_id}/pause").json()["status"] == "PAUSED"
    profile = admin.get(f"{blue.url}/partners/{pid}/profile-360").json()
    assert profile["partner"]["partner_id"] == pid and [c["contract_id"] for c in profile["contracts"]] == [
        cid
    ]
    assert profile["sources"] == {"contracts": "ok", "campaigns": "ok", "recruitment": "unavailable"}
    assert admin.post(f"{blue.url}/partners/{pid}/deactivate").json()["status"] == "DEACTIVATED"
    assert admin.get(f"{blue.url}/contracts/{cid}").json()["status"] == "TERMINATED"


def test_failures_speak_the_platforms_error_shape(blue, admin) -> None:  # noqa: ANN001
    for response, status in (
        (admin.get(f"{blue.url}/nowhere"), 404),
        (admin.delete(f"{blue.url}/partners"), 405),
        (admin.post(f"{blue.url}/partners", data="{not json"), 400),
        (admin.get(f"{blue.url}/partners", params={"next_token": "!!"}), 400),
    ):
        assert response.status_code == status
        assert set(response.json()["error"]) == {"code", "message", "details"}
