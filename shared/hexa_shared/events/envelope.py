"""The integration-event envelope of DESIGN.md §3.

On the bus an event is ``source`` + ``detail-type`` (its name) + ``detail`` =
``{event_id, event_version, occurred_at, correlation_id, data}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hexa_shared import strict_json
from hexa_shared.clock import new_id, now_iso

SOURCE_PREFIX = "hexabuilders."
ENVELOPE_KEYS = ("event_id", "event_version", "occurred_at", "correlation_id", "data")


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
        return {
            "event_id": self.event_id,
            "event_version": self.event_version,
            "occurred_at": self.occurred_at,
            "correlation_id": self.correlation_id,
            "data": self.data,
        }

    def to_entry(self, bus_name: str) -> dict[str, Any]:
        entry = {
            "EventBusName": bus_name,
            "Source": self.source,
            "DetailType": self.name,
            "Detail": strict_json.dumps(self.detail),
        }
        if self.trace_header:
            entry["TraceHeader"] = self.trace_header
        return entry


def parse_eventbridge_message(body: str | dict[str, Any]) -> IntegrationEvent:
    """Read an EventBridge event as an SQS target receives it, strictly (:mod:`hexa_shared.strict_json`).

    Tolerant only where EventBridge itself varies: moto's delivery lacks ``account`` (TOOL-FACTS),
    replays add ``replay-name``. Raises ``ValueError`` on anything that is not one of our envelopes.
    This checks the *shape*; :func:`hexa_shared.events.inbound.receive` also checks the event's schema.
    """
    event = strict_json.loads(body) if isinstance(body, (str, bytes)) else body
    if not isinstance(event, dict):
        raise ValueError("event is not a JSON object")
    detail, name, source = event.get("detail"), event.get("detail-type"), event.get("source")
    if not isinstance(detail, dict) or not isinstance(name, str) or not isinstance(source, str):
        raise ValueError("not an EventBridge event (needs source, detail-type and a detail object)")
    missing = [key for key in ENVELOPE_KEYS if key not in detail]
    if missing:
        raise ValueError(f"envelope misses {', '.join(missing)}")
    unexpected = sorted(set(detail) - set(ENVELOPE_KEYS))
    if unexpected:
        raise ValueError(f"envelope has unexpected field(s) {', '.join(k[:40] for k in unexpected[:5])}")
    return IntegrationEvent(
        name=name,
        source=source,
        data=detail["data"],
        correlation_id=detail["correlation_id"],
        event_id=detail["event_id"],
        occurred_at=detail["occurred_at"],
        event_version=detail["event_version"],
    )
