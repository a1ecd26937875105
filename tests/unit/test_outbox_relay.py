"""The outbox round trip: the row a use case writes in its transaction is, through the table's stream, the
very event the relay publishes (same id, so consumers dedupe a redelivery); the TTL's REMOVE and any
MODIFY publish nothing; a bus that refuses fails the record, so Lambda retries it."""

from __future__ import annotations

import pytest

from fakes.event_publisher import InMemoryPublisher
from hexa_shared.clock import new_id
from hexa_shared.events.envelope import IntegrationEvent
from hexa_shared.events.publisher import PublishError
from hexa_shared.outbox import outbox_entry, relay


def _event() -> IntegrationEvent:
    return IntegrationEvent(
        name="PartnerDeactivated",
        source="hexabuilders.partner-management",
        data={"partner_id": new_id()},
        correlation_id="corr-1",
    )


def _record(event: IntegrationEvent, name: str = "INSERT") -> dict:
    image = outbox_entry("outbox", event).serialize()  # the row, as DynamoDB JSON: what the stream carries
    return {"eventName": name, "dynamodb": {"NewImage": image}}


def test_the_row_written_is_the_event_published() -> None:
    event, bus = _event(), InMemoryPublisher()
    relay(_record(event), bus)
    relay(_record(event), bus)  # the stream redelivers: the same event id, deduped by every consumer
    assert [e.event_id for e in bus.published] == [event.event_id, event.event_id]
    published = bus.published[0]
    assert (
        published.name,
        published.source,
        published.data,
        published.correlation_id,
        published.occurred_at,
    ) == (
        event.name,
        event.source,
        event.data,
        event.correlation_id,
        event.occurred_at,
    )


@pytest.mark.parametrize("name", ["REMOVE", "MODIFY"])
def test_the_ttls_remove_and_any_modify_publish_nothing(name: str) -> None:
    bus = InMemoryPublisher()
    relay(_record(_event(), name), bus)
    assert bus.published == []


def test_a_bus_that_refuses_fails_the_record() -> None:
    bus = InMemoryPublisher()
    bus.failing = True
    with pytest.raises(PublishError):
        relay(_record(_event()), bus)
