"""Integration-event schemas, the envelope parser and what consumers accept (DESIGN.md §3, issue 12)."""

from __future__ import annotations

import json

import pytest

from hexa_shared.events import schema
from hexa_shared.events.envelope import IntegrationEvent, parse_eventbridge_message
from hexa_shared.events.inbound import InvalidEvent, receive
from hexa_shared.events.schema import EventSchemaError, EventTooLarge
from poison import GOOD, MALFORMATIONS, bus_body, malformed

P = GOOD["PartnerDeactivated"]["partner_id"]


def event(name: str, data: dict) -> IntegrationEvent:
    return IntegrationEvent(name=name, source=schema.source_of(name), data=data, correlation_id="corr-1")


def test_every_design_event_has_a_schema_and_one_publisher() -> None:
    assert list(schema.known_events()) == sorted(GOOD)
    assert {schema.source_of(name) for name in GOOD} == {
        "hexabuilders.partner-management",
        "hexabuilders.onboarding",
        "hexabuilders.campaign-management",
    }


@pytest.mark.parametrize("name", sorted(GOOD))
def test_good_events_pass_and_broken_ones_fail(name: str) -> None:
    schema.validate(event(name, GOOD[name]))
    with pytest.raises(EventSchemaError):
        schema.validate(event(name, {**GOOD[name], "unexpected": 1}))
    with pytest.raises(EventSchemaError):
        schema.validate(event(name, {k: v for k, v in GOOD[name].items() if k != "partner_id"}))


def test_envelope_fields_are_checked() -> None:
    good = GOOD["PartnerDeactivated"]
    with pytest.raises(EventSchemaError, match="event_id"):
        schema.validate(
            IntegrationEvent(
                name="PartnerDeactivated",
                source="hexabuilders.partner-management",
                data=good,
                correlation_id="c",
                event_id="not-a-uuid",
            )
        )
    with pytest.raises(EventSchemaError, match="may not publish"):
        schema.validate(
            IntegrationEvent(
                name="PartnerDeactivated", source="hexabuilders.onboarding", data=good, correlation_id="c"
            )
        )
    with pytest.raises(EventSchemaError, match="no JSON Schema"):
        schema.validate(
            IntegrationEvent(name="SomethingElse", source="hexabuilders.x", data={}, correlation_id="c")
        )


def test_an_event_over_the_bus_limit_is_refused_at_publish(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today's schemas bound every field, so no valid event nears 256 KB; the check guards a schema that
    grows. It counts what EventBridge counts: source, detail-type, detail in UTF-8, and 14 for the time."""
    terminated = event("ContractTerminated", {**GOOD["ContractTerminated"], "reason": "ñ" * 500})
    size = schema.entry_size(terminated)
    assert (
        size
        == len(terminated.source)
        + len(terminated.name)
        + len(json.dumps(terminated.detail, separators=(",", ":"), ensure_ascii=False).encode())
        + 14
    )
    assert size > 1000  # 500 two-byte characters
    schema.validate(terminated)
    monkeypatch.setattr(schema, "MAX_ENTRY_BYTES", size - 1)
    with pytest.raises(EventTooLarge, match="over EventBridge"):
        schema.validate(terminated)


def test_parse_tolerates_missing_account_and_replay_fields() -> None:
    original = event("PartnerDeactivated", GOOD["PartnerDeactivated"])
    body = {**bus_body(original), "replay-name": "r1"}
    assert parse_eventbridge_message(json.dumps(body)) == original
    assert receive(json.dumps(body), {"PartnerDeactivated"}) == original


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        json.dumps({"detail-type": "X", "source": "s"}),
        json.dumps({"detail-type": "X", "source": "s", "detail": {"data": {}}}),
        '{"detail-type": "X", "detail-type": "Y", "source": "s", "detail": {}}',
    ],
)
def test_parse_rejects_what_is_not_an_envelope(body: str) -> None:
    with pytest.raises(ValueError):
        parse_eventbridge_message(body)


@pytest.mark.parametrize("name", sorted(GOOD))
@pytest.mark.parametrize("malformation", sorted(MALFORMATIONS))
def test_every_malformation_of_every_event_is_refused_with_a_reason(name: str, malformation: str) -> None:
    """The unit half of the poison suite (tests/e2e/test_poison_events.py puts the same on the bus)."""
    body = malformed(name, malformation)
    with pytest.raises(InvalidEvent) as refused:
        receive(body, set(GOOD))
    reason = str(refused.value)
    assert reason and len(reason) < 1200
    assert "Ünïcödé-secret" not in reason  # reasons name fields, never echo personal values


def test_a_consumer_refuses_events_it_does_not_handle() -> None:
    body = json.dumps(bus_body(event("PartnerDeactivated", GOOD["PartnerDeactivated"])))
    with pytest.raises(InvalidEvent, match="not an event this consumer handles"):
        receive(body, {"CampaignPerformanceRecorded"})


def test_the_null_partner_that_terminated_everything_is_refused() -> None:
    """Issue 12 #1: `"partner_id": null` on a PartnerDeactivated."""
    body = json.dumps(bus_body(event("PartnerDeactivated", {"partner_id": None})))
    with pytest.raises(InvalidEvent, match="data.partner_id"):
        receive(body, {"PartnerDeactivated"})
