"""The integration bus in memory (the EventPublisher port; EventBridgePublisher is the real one)."""

from __future__ import annotations

from collections.abc import Iterable

from hexa_shared.events import schema
from hexa_shared.events.envelope import IntegrationEvent
from hexa_shared.events.publisher import PublishError


class InMemoryPublisher:
    def __init__(self) -> None:
        self.published: list[IntegrationEvent] = []
        self.failing = False  # the bus refuses (PutEvents keeps failing): publish raises, nothing goes out

    def publish(self, events: Iterable[IntegrationEvent]) -> None:
        events = list(events)
        for event in events:
            schema.validate(event)
        if self.failing:
            raise PublishError("the bus did not accept the events", [(e, "InternalFailure") for e in events])
        self.published += events
