"""The integration-event envelope of DESIGN.md §3.

On the bus an event is ``source`` + ``detail-type`` (its name) + ``detail`` =
``{event_id, event_version, occurred_at, correlation_id, data}``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from hexa_shared.clock import new_id, now_iso

SOURCE_PREFIX = "hexabuilders."


@dataclass(frozen=True)
class IntegrationEvent:
    name: str
    source: str
    data: dict[str, Any]
    correlation_id: str
    event_id: str = field(default_factory=new_id)
    occurred_at: str = field(default_factory=now_iso)
    event_version: int = 1
    trace_header: str | None = None

    @property
    def detail(self) -> dict[str, Any]:
        return {"event_id": self.event_id, "event_version": self.event_version, "occurred_at": self.occurred_at,
                "correlation_id": self.correlation_id, "data": self.data}

    def to_entry(self, bus_name: str) -> dict[str, Any]:
        entry = {"EventBusName": bus_name, "Source": self.source, "DetailType": self.name,
                 "Detail": json.dumps(self.detail, separators=(",", ":"))}
        if self.trace_header:
            entry["TraceHeader"] = self.trace_header
        return entry


def parse_eventbridge_message(body: str | dict[str, Any]) -> IntegrationEvent:
    """Read an EventBridge event as an SQS target receives it.

    Tolerant on purpose: moto's delivery lacks ``account`` (TOOL-FACTS), replays add
    ``replay-name``; only the fields we use are required. Raises ``ValueError`` on anything
    that is not one of our envelopes, so the caller can fail the message (and let it reach the DLQ).
    """
    event = json.loads(body) if isinstance(body, str) else body
    if not isinstance(event, dict):
        raise ValueError("event is not a JSON object")
    detail = event.get("detail")
    if isinstance(detail, str):
        detail = json.loads(detail)
    name, source = event.get("detail-type"), event.get("source")
    if not isinstance(detail, dict) or not isinstance(name, str) or not isinstance(source, str):
        raise ValueError("not an EventBridge event (needs source, detail-type, detail)")
    try:
        return IntegrationEvent(name=name, source=source, data=detail["data"], correlation_id=detail["correlation_id"],
                                event_id=detail["event_id"], occurred_at=detail["occurred_at"],
                                event_version=detail["event_version"])
    except KeyError as missing:
        raise ValueError(f"envelope misses {missing}") from None
