"""Integration-event schemas and the envelope parser (DESIGN.md §3)."""
from __future__ import annotations

import json

import pytest

from hexa_shared.events import schema
from hexa_shared.events.envelope import IntegrationEvent, parse_eventbridge_message
from hexa_shared.events.schema import EventSchemaError

P, C = "8b6f8f4e-3c1e-4c59-9d8e-0f6c3f6d2a11", "2c9a4b8e-1d2f-4a3b-8c7d-6e5f4a3b2c1d"
GOOD = {
    "PartnerRegistrationCompleted": {"partner_id": P, "partner_data": {"name": "A", "email": "a@a.example",
                                                                       "partner_type": "AGENCY", "country": "ES"}},
    "PartnerDeactivated": {"partner_id": P},
    "ContractSigned": {"partner_id": P, "contract_id": C, "contract_type": "STANDARD"},
    "ContractActivated": {"partner_id": P, "contract_id": C, "contract_type": "ENTERPRISE"},
    "ContractTerminated": {"partner_id": P, "contract_id": C, "reason": "partner deactivated"},
    "CampaignPerformanceRecorded": {"partner_id": P, "campaign_id": C, "date": "2026-11-27", "metrics": {
        "impressions": 10, "clicks": 2, "conversions": 1, "revenue": "12.50", "spend": "3.00"}},
    "CampaignBudgetExhausted": {"partner_id": P, "campaign_id": C, "budget": "100.00", "spent": "100.00"},
}


def event(name: str, data: dict) -> IntegrationEvent:
    return IntegrationEvent(name=name, source="hexabuilders.test", data=data, correlation_id="corr-1")


def test_every_design_event_has_a_schema() -> None:
    assert schema.known_events() == sorted(GOOD)


@pytest.mark.parametrize("name", sorted(GOOD))
def test_good_events_pass_and_broken_ones_fail(name: str) -> None:
    schema.validate(event(name, GOOD[name]))
    with pytest.raises(EventSchemaError):
        schema.validate(event(name, {**GOOD[name], "unexpected": 1}))
    with pytest.raises(EventSchemaError):
        schema.validate(event(name, {k: v for k, v in GOOD[name].items() if k != "partner_id"}))


def test_envelope_fields_are_checked() -> None:
    with pytest.raises(EventSchemaError, match="event_id"):
        schema.validate(IntegrationEvent(name="PartnerDeactivated", source="hexabuilders.x", data=GOOD["PartnerDeactivated"],
                                         correlation_id="c", event_id="not-a-uuid"))
    with pytest.raises(EventSchemaError, match="source"):
        schema.validate(IntegrationEvent(name="PartnerDeactivated", source="acme.x", data=GOOD["PartnerDeactivated"],
                                         correlation_id="c"))
    with pytest.raises(EventSchemaError, match="no JSON Schema"):
        schema.validate(event("SomethingElse", {}))


def test_parse_tolerates_missing_account_and_replay_fields() -> None:
    original = event("PartnerDeactivated", GOOD["PartnerDeactivated"])
    body = {"version": "0", "id": "x", "detail-type": original.name, "source": original.source, "time": "t",
            "region": "us-east-1", "resources": [], "replay-name": "r1", "detail": original.detail}
    parsed = parse_eventbridge_message(json.dumps(body))
    assert parsed == original


@pytest.mark.parametrize("body", ["not json", "[]", json.dumps({"detail-type": "X", "source": "s"}),
                                  json.dumps({"detail-type": "X", "source": "s", "detail": {"data": {}}})])
def test_parse_rejects_what_is_not_an_envelope(body: str) -> None:
    with pytest.raises(ValueError):
        parse_eventbridge_message(body)
