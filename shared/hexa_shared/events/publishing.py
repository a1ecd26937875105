"""The port a use case sees for publishing integration events (no infrastructure types).

``hexa_shared.events.publisher.EventBridgePublisher`` is the adapter; tests/fakes has the in-memory one;
tests/contract proves they behave alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from hexa_shared.events.envelope import IntegrationEvent


class EventPublisher(Protocol):
    def publish(self, events: Iterable[IntegrationEvent]) -> None:
        """Every event validated against its schema before any goes out (an invalid one raises
        ``EventSchemaError`` and none is published); then all are published, or it raises."""
