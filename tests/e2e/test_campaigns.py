"""Campaign Management end to end: permissions from contracts, budgets under concurrency,
performance and commissions, budget exhaustion, revocation in any event order, bad input."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from hexa_shared.clock import new_id
from hexa_shared.events.envelope import IntegrationEvent
from support import (
    Api,
    BusTap,
    activate_contract,
    campaign_body,
    partner_with_permission,
    poll,
    register_partner,
    wait_for_contract,
)

PERFORMANCE = {"impressions": 1000, "clicks": 40, "conversions": 4, "revenue": "400.00", "spend": "50.00"}


def test_activation_grants_permission_and_campaigns_respect_the_limit(api: Api) -> None:
    partner = register_partner(api)
    pid = partner["partner_id"]
    contract = wait_for_contract(api, pid)
    assert api.post("/campaigns", campaign_body(pid)).status_code == 403  # no active contract yet

    started = time.perf_counter()
    activate_contract(api, contract["contract_id"])
    permission = poll(
        lambda: (lambda p: p if p["can_create_campaigns"] else None)(api.get(f"/permissions/{pid}").json()),
        what="permission granted",
    )
    print(f"\nactivation → permission visible: {(time.perf_counter() - started) * 1000:.0f} ms")
    assert permission == {
        "partner_id": pid,
        "can_create_campaigns": True,
        "max_budget_limit": "10000.00",
        "contract_id": contract["contract_id"],
    }

    created = api.post("/campaigns", campaign_body(pid, budget="6000.00"))
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "ACTIVE" and created.json()["spent"] == "0.00"
    over = api.post("/campaigns", campaign_body(pid, budget="4000.01"))
    assert over.status_code == 422 and over.json()["error"]["details"][0]["field"] == "budget"
    assert (
        api.post("/campaigns", campaign_body(pid, budget="4000.00")).status_code == 201
    )  # exactly at the limit
    assert api.post("/campaigns", campaign_body(pid, budget="10000.01")).status_code == 422


def test_concurrent_creates_never_exceed_the_limit(api: Api) -> None:
    partner, _ = partner_with_permission(api)
    pid = partner["partner_id"]
    clients = [Api(api.base_url, api.token) for _ in range(10)]
    with ThreadPoolExecutor(10) as pool:  # 10 × 1500 = 15000 against a 10000 limit
        responses = list(
            pool.map(lambda client: client.post("/campaigns", campaign_body(pid, budget="1500.00")), clients)
        )
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 422}, [r.text for r in responses if r.status_code not in (201, 422)]
    accepted = [r.json() for r in responses if r.status_code == 201]
    assert len(accepted) == 6  # 6 × 1500 = 9000 fits, a 7th would be 10500
    stored = api.get("/campaigns", params={"partner_id": pid, "limit": 200}).json()["items"]
    assert sum(Decimal(c["budget"]) for c in stored if c["status"] in ("ACTIVE", "PAUSED")) <= Decimal(
        "10000.00"
    )
    assert {c["campaign_id"] for c in stored} == {c["campaign_id"] for c in accepted}


def test_closing_a_campaign_frees_its_budget_and_edits_are_checked(api: Api) -> None:
    partner, _ = partner_with_permission(api)
    pid = partner["partner_id"]
    big = api.post("/campaigns", campaign_body(pid, budget="9000.00")).json()
    assert api.post("/campaigns", campaign_body(pid, budget="2000.00")).status_code == 422
    assert api.patch(f"/campaigns/{big['campaign_id']}", {"budget": "10000.01"}).status_code == 422
    assert api.patch(f"/campaigns/{big['campaign_id']}", {"budget": "8000.00"}).json()["budget"] == "8000.00"
    assert api.post("/campaigns", campaign_body(pid, budget="2000.00")).status_code == 201
    assert api.post(f"/campaigns/{big['campaign_id']}/cancel").json()["status"] == "CANCELLED"
    assert api.post(f"/campaigns/{big['campaign_id']}/resume").status_code == 409
    assert api.post("/campaigns", campaign_body(pid, budget="8000.00")).status_code == 201


def test_performance_is_idempotent_per_day_and_corrections_flow_into_commissions(
    api: Api, aws, cloud
) -> None:  # noqa: ANN001
    partner, _ = partner_with_permission(api)
    pid = partner["partner_id"]
    campaign = api.post("/campaigns", campaign_body(pid, budget="1000.00")).json()
    cid = campaign["campaign_id"]
    day = f"/campaigns/{cid}/performance/2026-11-02"
    for _ in range(2):
        assert api.request("PUT", day, PERFORMANCE).status_code == 200
    report = api.get(f"/campaigns/{cid}/performance").json()
    assert report["totals"] == {
        "impressions": 1000,
        "clicks": 40,
        "conversions": 4,
        "revenue": "400.00",
        "spend": "50.00",
    }
    assert (
        report["ctr"],
        report["conversion_rate"],
        report["cpa"],
        report["roi"],
        report["budget_remaining"],
    ) == ("0.0400", "0.1000", "12.50", "7.0000", "950.00")
    assert api.get(f"/campaigns/{cid}").json()["spent"] == "50.00"

    started = time.perf_counter()
    line = poll(lambda: api.get(f"/partners/{pid}/commissions").json()["items"], what="a commission line")
    print(f"\nperformance PUT → commission visible: {(time.perf_counter() - started) * 1000:.0f} ms")
    assert line == [
        {
            "campaign_id": cid,
            "date": "2026-11-02",
            "revenue": "400.00",
            "commission_rate": "0.10",
            "commission": "40.00",
        }
    ]

    corrected = dict(PERFORMANCE, revenue="250.00", spend="70.00")
    assert api.request("PUT", day, corrected).status_code == 200
    statement = poll(
        lambda: (lambda s: s if s["total"] == "25.00" else None)(
            api.get(f"/partners/{pid}/commissions").json()
        ),
        what="the corrected commission",
    )
    assert [i["commission"] for i in statement["items"]] == ["25.00"]  # replaced, never added
    cloud.wait_until_idle(timeout=10)  # and no straggler of the first two PUTs brings 40.00 back
    assert api.get(f"/partners/{pid}/commissions").json()["total"] == "25.00"
    assert api.get(f"/campaigns/{cid}").json()["spent"] == "70.00"
    assert (
        api.get(f"/campaigns/{cid}/performance", params={"from": "2026-11-03"}).json()["totals"]["spend"]
        == "0.00"
    )


def test_spend_reaching_budget_pauses_and_reports_exactly_once(api: Api, aws, cloud) -> None:  # noqa: ANN001
    tap = BusTap(aws("events"), aws("sqs"), cloud.resources["EventBus"].ref)
    partner, _ = partner_with_permission(api)
    cid = api.post("/campaigns", campaign_body(partner["partner_id"], budget="100.00")).json()["campaign_id"]
    for day, spend in (
        ("2026-11-01", "60.00"),
        ("2026-11-02", "40.00"),
        ("2026-11-02", "45.00"),
        ("2026-11-03", "10.00"),
    ):
        response = api.request("PUT", f"/campaigns/{cid}/performance/{day}", dict(PERFORMANCE, spend=spend))
        assert response.status_code == 200, response.text
    campaign = api.get(f"/campaigns/{cid}").json()
    assert (campaign["status"], campaign["spent"], campaign["budget_exhausted"]) == ("PAUSED", "115.00", True)
    assert api.post(f"/campaigns/{cid}/resume").status_code == 409
    tap.wait_for(
        lambda e: e["detail-type"] == "CampaignBudgetExhausted" and e["detail"]["data"]["campaign_id"] == cid
    )
    cloud.wait_until_idle(timeout=10)
    exhausted = [
        e
        for e in tap.drain()
        if e["detail-type"] == "CampaignBudgetExhausted" and e["detail"]["data"]["campaign_id"] == cid
    ]
    assert len(exhausted) == 1
    assert (
        exhausted[0]["detail"]["data"]["budget"] == "100.00"
        and exhausted[0]["detail"]["data"]["spent"] == "100.00"
    )
    recorded = [
        e
        for e in tap.seen
        if e["detail-type"] == "CampaignPerformanceRecorded" and e["detail"]["data"]["campaign_id"] == cid
    ]
    assert len(recorded) == 4


def test_termination_revokes_and_pauses_in_any_event_order(api: Api, aws, cloud) -> None:  # noqa: ANN001
    tap = BusTap(aws("events"), aws("sqs"), cloud.resources["EventBus"].ref)
    partner, contract_id = partner_with_permission(api, "PREMIUM")
    pid = partner["partner_id"]
    assert api.get(f"/permissions/{pid}").json()["max_budget_limit"] == "50000.00"
    active = api.post("/campaigns", campaign_body(pid, budget="30000.00")).json()
    paused = api.post("/campaigns", campaign_body(pid, budget="100.00")).json()
    api.post(f"/campaigns/{paused['campaign_id']}/pause")

    assert api.post(f"/contracts/{contract_id}/terminate", {"reason": "breach"}).status_code == 200
    poll(lambda: not api.get(f"/permissions/{pid}").json()["can_create_campaigns"], what="revocation")
    poll(
        lambda: api.get(f"/campaigns/{active['campaign_id']}").json()["status"] == "PAUSED",
        what="campaign paused",
    )
    assert api.post("/campaigns", campaign_body(pid)).status_code == 403
    assert api.post(f"/campaigns/{active['campaign_id']}/resume").status_code == 403

    # Redeliver what was really published, terminated-first and twice (same event ids: deduplicated),
    # then fresh copies with new ids in the wrong order (order tolerance by state, not by id).
    originals = {
        name: tap.wait_for(
            lambda e, n=name: e["detail-type"] == n and e["detail"]["data"]["contract_id"] == contract_id
        )
        for name in ("ContractActivated", "ContractTerminated")
    }
    bus = cloud.resources["EventBus"].ref
    replays = [originals["ContractTerminated"], originals["ContractActivated"]] * 2
    fresh = [{**e, "detail": {**e["detail"], "event_id": new_id()}} for e in replays[:2]]
    for envelope in replays + fresh:
        entry = {
            "EventBusName": bus,
            "Source": envelope["source"],
            "DetailType": envelope["detail-type"],
            "Detail": json.dumps(envelope["detail"]),
        }
        assert aws("events").put_events(Entries=[entry])["FailedEntryCount"] == 0
    cloud.wait_until_idle(timeout=15)
    assert api.get(f"/permissions/{pid}").json() == {
        "partner_id": pid,
        "can_create_campaigns": False,
        "max_budget_limit": "0.00",
        "contract_id": None,
    }
    assert api.get(f"/campaigns/{active['campaign_id']}").json()["status"] == "PAUSED"
    assert api.get(f"/campaigns/{paused['campaign_id']}").json()["status"] == "PAUSED"


def test_a_terminated_contract_seen_before_its_activation_never_grants(api: Api, aws, cloud) -> None:  # noqa: ANN001
    """Events for a contract the consumer has never seen, delivered Terminated-first."""
    pid, contract_id = register_partner(api)["partner_id"], new_id()
    source = "hexabuilders.onboarding"
    activated = IntegrationEvent(
        name="ContractActivated",
        source=source,
        correlation_id="order",
        data={"partner_id": pid, "contract_id": contract_id, "contract_type": "ENTERPRISE"},
    )
    terminated = IntegrationEvent(
        name="ContractTerminated",
        source=source,
        correlation_id="order",
        data={"partner_id": pid, "contract_id": contract_id, "reason": "cancelled"},
    )
    bus = cloud.resources["EventBus"].ref
    for event in (terminated, activated, activated, terminated):
        aws("events").put_events(Entries=[event.to_entry(bus)])
    cloud.wait_until_idle(timeout=15)
    assert api.get(f"/permissions/{pid}").json()["can_create_campaigns"] is False


@pytest.mark.parametrize(
    "body,field",
    [
        ({"budget": "-5.00"}, "budget"),
        ({"budget": "abc"}, "budget"),
        ({"budget": "10.005"}, "budget"),
        ({"budget": 10.5}, "budget"),
        ({"budget": "0"}, "budget"),
        ({"end_date": "2025-12-31"}, "end_date"),
        ({"start_date": "2026-02-30"}, "start_date"),
        ({"name": ""}, "name"),
        ({"status": "PAUSED"}, "status"),
    ],
)
def test_bad_campaign_input_names_the_field_and_writes_nothing(api: Api, body: dict, field: str) -> None:
    partner, _ = _shared_partner(api)
    before = api.get("/campaigns", params={"partner_id": partner["partner_id"]}).json()["items"]
    response = api.post("/campaigns", campaign_body(partner["partner_id"], **body))
    assert response.status_code == 422, response.text
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]
    assert api.get("/campaigns", params={"partner_id": partner["partner_id"]}).json()["items"] == before


def test_bad_performance_and_query_input(api: Api) -> None:
    partner, _ = _shared_partner(api)
    cid = api.post("/campaigns", campaign_body(partner["partner_id"], budget="10.00")).json()["campaign_id"]
    cases = [
        ("2026-11-01", dict(PERFORMANCE, spend="1.234"), "spend"),
        ("2026-11-01", dict(PERFORMANCE, impressions=-1), "impressions"),
        ("2026-11-01", dict(PERFORMANCE, clicks=2000), "clicks"),
        ("2026-13-01", PERFORMANCE, "date"),
        ("2027-06-01", PERFORMANCE, "date"),
        ("2025-06-01", PERFORMANCE, "date"),
    ]
    for day, body, field in cases:
        response = api.request("PUT", f"/campaigns/{cid}/performance/{day}", body)
        assert response.status_code == 422, (day, body, response.text)
        assert field in [d["field"] for d in response.json()["error"]["details"]], response.text
    assert api.get(f"/campaigns/{cid}").json()["spent"] == "0.00"
    assert api.get("/campaigns", params={"status": "RUNNING"}).status_code == 422
    assert (
        api.get(
            f"/campaigns/{cid}/performance", params={"from": "2026-11-05", "to": "2026-11-01"}
        ).status_code
        == 422
    )


_PARTNER: dict = {}


def _shared_partner(api: Api) -> tuple[dict, str]:
    if not _PARTNER:
        _PARTNER["value"] = partner_with_permission(api)
    return _PARTNER["value"]
