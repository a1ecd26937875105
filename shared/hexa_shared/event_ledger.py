"""The port a consumer's use case sees for "have I acted on this event already?" (no infrastructure types).

``hexa_shared.idempotency.ProcessedEvents`` is the DynamoDB adapter; tests/fakes has the in-memory one;
tests/contract proves they behave alike.
"""

from __future__ import annotations

from typing import Protocol


class EventLedger(Protocol):
    def already_processed(self, event_id: str) -> bool: ...

    def record(self, event_id: str) -> bool:
        """Mark ``event_id`` as acted on; ``False`` if it already was (another delivery got there first)."""
