"""Poison events: every integration event, well-formed, and every way it can arrive broken (issue 12).

Shared by the unit matrix (``tests/unit/test_event_contracts.py``) and the end-to-end suite that puts
them on a running local cloud (``tests/e2e/test_poison_events.py``). ``SECRET`` stands in for personal
data inside a broken value: no refusal reason may echo it.
"""

from __future__ import annotations

import copy
import json
import uuid
from dataclasses import dataclass
from typing import Any, Callable

from hexa_shared.clock import now_iso
from hexa_shared.events.envelope import IntegrationEvent

P, C = "8b6f8f4e-3c1e-4c59-9d8e-0f6c3f6d2a11", "2c9a4b8e-1d2f-4a3b-8c7d-6e5f4a3b2c1d"
SECRET = "Ünïcödé-secret"
GOOD: dict[str, dict[str, Any]] = {
    "PartnerRegistrationCompleted": {
        "partner_id": P,
        "partner_data": {"name": "A", "email": "a@a.example", "partner_type": "AGENCY", "country": "ES"},
    },
    "PartnerDeactivated": {"partner_id": P},
    "ContractSigned": {"partner_id": P, "contract_id": C, "contract_type": "STANDARD"},
    "ContractActivated": {"partner_id": P, "contract_id": C, "contract_type": "ENTERPRISE"},
    "ContractTerminated": {"partner_id": P, "contract_id": C, "reason": "partner deactivated"},
    "CampaignPerformanceRecorded": {
        "partner_id": P,
        "campaign_id": C,
        "date": "2026-11-27",
        "metrics": {"impressions": 10, "clicks": 2, "conversions": 1, "revenue": "12.50", "spend": "3.00"},
    },
    "CampaignBudgetExhausted": {"partner_id": P, "campaign_id": C, "budget": "100.00", "spent": "100.00"},
}
SOURCES = {
    "PartnerRegistrationCompleted": "hexabuilders.partner-management",
    "PartnerDeactivated": "hexabuilders.partner-management",
    "ContractSigned": "hexabuilders.onboarding",
    "ContractActivated": "hexabuilders.onboarding",
    "ContractTerminated": "hexabuilders.onboarding",
    "CampaignPerformanceRecorded": "hexabuilders.campaign-management",
    "CampaignBudgetExhausted": "hexabuilders.campaign-management",
}


@dataclass
class Poison:
    """One broken event: what EventBridge is asked to carry (source, detail-type, detail JSON text)."""

    source: str
    detail_type: str
    detail: str
    on_the_bus: bool = (
        True  # False: no bus would carry it (not JSON, NaN, duplicate keys): sent to SQS directly
    )

    def entry(self, bus: str) -> dict[str, str]:
        return {
            "EventBusName": bus,
            "Source": self.source,
            "DetailType": self.detail_type,
            "Detail": self.detail,
        }

    def sqs_body(self) -> str:
        """What an EventBridge → SQS target delivers (as moto does: no ``account``)."""
        head = json.dumps(
            {
                "version": "0",
                "id": str(uuid.uuid4()),
                "detail-type": self.detail_type,
                "source": self.source,
                "time": now_iso(),
                "region": "us-east-1",
                "resources": [],
            }
        )
        return head[:-1] + ', "detail": ' + self.detail + "}"


def _detail(name: str, data: dict[str, Any], **envelope: Any) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "event_version": 1,
        "occurred_at": now_iso(),
        "correlation_id": "poison-suite",
        "data": data,
        **envelope,
    }


def _data(name: str, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(GOOD[name])
    change(data)
    return data


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.__setitem__(key, value)


def _poison(name: str, malformation: str) -> Poison:
    source = SOURCES[name]
    plain = lambda data, **env: Poison(source, name, json.dumps(_detail(name, data, **env)))  # noqa: E731
    if malformation == "null-id":
        return plain(_data(name, _set("partner_id", None)))
    if malformation == "invalid-id":
        return plain(_data(name, _set("partner_id", f"{SECRET}-not-a-uuid")))
    if malformation == "missing-field":
        return plain(_data(name, lambda data: data.pop("partner_id")))
    if malformation == "wrong-type":
        return plain(_data(name, _set("partner_id", {"$ne": P})))
    if malformation == "unexpected-field":
        return plain(_data(name, _set("is_admin", True)))
    if malformation == "unknown-version":
        return plain(GOOD[name], event_version=99)
    if malformation == "garbage-timestamp":
        return plain(GOOD[name], occurred_at=f"{SECRET} yesterday")
    if malformation == "invalid-event-id":
        return plain(GOOD[name], event_id="1")
    if malformation == "missing-envelope-field":
        detail = _detail(name, GOOD[name])
        del detail["correlation_id"]
        return Poison(source, name, json.dumps(detail))
    if malformation == "wrong-source":
        return Poison("hexabuilders.recruitment", name, json.dumps(_detail(name, GOOD[name])))
    if malformation == "unknown-event":
        return Poison(source, f"{name}V2", json.dumps(_detail(name, GOOD[name])))
    if malformation == "oversized":
        return plain(_data(name, _set("padding", "x" * 300_000)))
    if malformation == "nan":
        return Poison(
            source, name, json.dumps(_detail(name, _data(name, _set("amount", float("nan"))))), False
        )
    if malformation == "duplicate-keys":
        text = json.dumps(_detail(name, GOOD[name]))
        return Poison(
            source, name, text.replace('"data": {', f'"data": {{"partner_id": "{SECRET}", ', 1), False
        )
    if malformation == "not-json":
        return Poison(source, name, f'"{SECRET}" and then some', False)
    raise KeyError(malformation)


MALFORMATIONS = (
    "null-id",
    "invalid-id",
    "missing-field",
    "wrong-type",
    "unexpected-field",
    "unknown-version",
    "garbage-timestamp",
    "invalid-event-id",
    "missing-envelope-field",
    "wrong-source",
    "unknown-event",
    "oversized",
    "nan",
    "duplicate-keys",
    "not-json",
)


def poison(name: str, malformation: str) -> Poison:
    return _poison(name, malformation)


def malformed(name: str, malformation: str) -> str:
    """The SQS body a consumer would receive for this malformation."""
    return poison(name, malformation).sqs_body()


def bus_body(event: IntegrationEvent) -> dict[str, Any]:
    """What an EventBridge → SQS target delivers for a well-formed event (as moto does: no ``account``)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": event.name,
        "source": event.source,
        "time": event.occurred_at,
        "region": "us-east-1",
        "resources": [],
        "detail": event.detail,
    }
