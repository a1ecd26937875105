"""The commission ledger converges whatever order corrections arrive in, and uses the rate in force."""

from __future__ import annotations

from hexa_shared.clock import new_id, now_iso
from hexa_shared.events.envelope import IntegrationEvent
from support import Api, poll, register_partner

METRICS = {"impressions": 10, "clicks": 5, "conversions": 1, "spend": "1.00"}


def performance(partner_id: str, campaign_id: str, revenue: str, occurred_at: str) -> IntegrationEvent:
    return IntegrationEvent(
        name="CampaignPerformanceRecorded",
        source="hexabuilders.campaign-management",
        correlation_id="ledger-order",
        occurred_at=occurred_at,
        data={
            "partner_id": partner_id,
            "campaign_id": campaign_id,
            "date": "2026-11-10",
            "metrics": {**METRICS, "revenue": revenue},
        },
    )


def test_an_older_correction_arriving_late_does_not_overwrite_a_newer_one(cloud, aws, api: Api) -> None:  # noqa: ANN001
    partner = register_partner(api, commission_rate="0.20")
    pid, campaign_id, bus = partner["partner_id"], new_id(), cloud.resources["EventBus"].ref
    newer = performance(pid, campaign_id, "300.00", "2026-11-11T10:00:00.000Z")
    older = performance(pid, campaign_id, "100.00", "2026-11-11T09:00:00.000Z")
    for event in (newer, older, newer, older):  # out of order, and each delivered twice
        assert aws("events").put_events(Entries=[event.to_entry(bus)])["FailedEntryCount"] == 0
    poll(lambda: api.get(f"/partners/{pid}/commissions").json()["items"], what="a ledger line")
    cloud.wait_until_idle(timeout=15)
    statement = api.get(f"/partners/{pid}/commissions").json()
    assert statement["items"] == [
        {
            "campaign_id": campaign_id,
            "date": "2026-11-10",
            "revenue": "300.00",
            "commission_rate": "0.20",
            "commission": "60.00",
        }
    ]
    assert statement["total"] == "60.00"


def test_rate_changes_apply_from_their_moment_on(cloud, aws, api: Api) -> None:  # noqa: ANN001
    partner = register_partner(api, commission_rate="0.10")
    pid, bus = partner["partner_id"], cloud.resources["EventBus"].ref
    before_change = performance(pid, new_id(), "100.00", partner["created_at"])
    assert api.patch(f"/partners/{pid}", {"commission_rate": "0.30"}).status_code == 200
    after_change = performance(pid, new_id(), "100.00", now_iso())
    for event in (after_change, before_change):
        aws("events").put_events(Entries=[event.to_entry(bus)])
    lines = poll(
        lambda: (lambda items: items if len(items) == 2 else None)(
            api.get(f"/partners/{pid}/commissions").json()["items"]
        ),
        what="two ledger lines",
    )
    by_campaign = {line["campaign_id"]: line["commission"] for line in lines}
    assert by_campaign == {
        before_change.data["campaign_id"]: "10.00",
        after_change.data["campaign_id"]: "30.00",
    }
    assert api.get(f"/partners/{pid}/commissions").json()["total"] == "40.00"


def test_statement_filters_pages_and_scopes(cloud, aws, api: Api, partner_api) -> None:  # noqa: ANN001
    partner = register_partner(api)
    pid, bus = partner["partner_id"], cloud.resources["EventBus"].ref
    for day in ("2026-10-01", "2026-10-02", "2026-10-03"):
        event = performance(pid, new_id(), "10.00", "2026-10-05T00:00:00.000Z")
        event.data["date"] = day
        aws("events").put_events(Entries=[event.to_entry(bus)])
    poll(lambda: len(api.get(f"/partners/{pid}/commissions").json()["items"]) == 3, what="three lines")
    window = api.get(f"/partners/{pid}/commissions", params={"from": "2026-10-02", "to": "2026-10-03"}).json()
    assert [line["date"] for line in window["items"]] == ["2026-10-02", "2026-10-03"] and window[
        "total"
    ] == "2.00"
    first = api.get(f"/partners/{pid}/commissions", params={"limit": 2}).json()
    assert len(first["items"]) == 2 and first["total"] == "3.00" and first["next_token"]
    rest = api.get(
        f"/partners/{pid}/commissions", params={"limit": 2, "next_token": first["next_token"]}
    ).json()
    assert [line["date"] for line in first["items"] + rest["items"]] == [
        "2026-10-01",
        "2026-10-02",
        "2026-10-03",
    ]
    assert partner_api(pid).get(f"/partners/{pid}/commissions").status_code == 200
    assert partner_api(new_id()).get(f"/partners/{pid}/commissions").status_code == 404
    assert api.get(f"/partners/{pid}/commissions", params={"from": "yesterday"}).status_code == 422
