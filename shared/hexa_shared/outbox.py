"""Transactional outbox: an event is published if and only if the change that caused it was stored.

The use case writes its integration event into an outbox table *in the same DynamoDB transaction*
as its state change. The outbox table's stream feeds a relay Lambda that publishes to EventBridge;
a failed publish fails that stream record, which Lambda retries (never dropped). Outbox rows expire
by TTL; the relay ignores those REMOVE records.

A row also keeps the X-Ray trace header of the request that wrote it (rows written before that have
none); the relay publishes under that trace, so the event's consumers join the request's trace.
"""

from __future__ import annotations

import functools
import json
from datetime import timedelta
from typing import Any

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from hexa_shared import strict_json
from hexa_shared.dynamo import bound
from hexa_shared.events import schema
from hexa_shared.events.envelope import IntegrationEvent
from hexa_shared.events.publishing import EventPublisher
from hexa_shared.tracing import continue_trace, current_trace_header

RETENTION_SECONDS = 7 * 24 * 3600


class _OutboxEntry(Model):
    event_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    source = UnicodeAttribute()
    correlation_id = UnicodeAttribute()
    occurred_at = UnicodeAttribute()
    event_version = NumberAttribute()
    data = UnicodeAttribute()  # JSON text: no float/Decimal surprises on the way through DynamoDB
    trace_header = UnicodeAttribute(null=True)
    expiration = TTLAttribute()


@functools.lru_cache(maxsize=None)
def outbox_model(table_name: str) -> type[_OutboxEntry]:
    return bound(_OutboxEntry, table_name)


def outbox_entry(table_name: str, event: IntegrationEvent) -> _OutboxEntry:
    """The row to save (condition: ``event_id`` does not exist) inside the use case's transaction."""
    schema.validate(event)  # a bad event fails the request, not the relay later
    return outbox_model(table_name)(
        event.event_id,
        name=event.name,
        source=event.source,
        correlation_id=event.correlation_id,
        occurred_at=event.occurred_at,
        event_version=event.event_version,
        data=strict_json.dumps(event.data),
        trace_header=event.trace_header or current_trace_header(),
        expiration=timedelta(seconds=RETENTION_SECONDS),
    )


def event_from_stream_record(record: dict[str, Any]) -> IntegrationEvent | None:
    """The event an outbox INSERT carries; ``None`` for the TTL's REMOVE (and any MODIFY)."""
    if record.get("eventName") != "INSERT":
        return None
    image = record["dynamodb"]["NewImage"]
    text = {k: v.get("S") for k, v in image.items()}
    return IntegrationEvent(
        name=text["name"],
        source=text["source"],
        data=json.loads(text["data"]),
        correlation_id=text["correlation_id"],
        event_id=text["event_id"],
        occurred_at=text["occurred_at"],
        event_version=int(image["event_version"]["N"]),
        trace_header=text.get("trace_header"),
    )


def relay(record: dict[str, Any], publisher: EventPublisher) -> None:
    event = event_from_stream_record(record)
    if event is not None:
        with continue_trace(event.trace_header, f"relay {event.name}"):
            publisher.publish([event])
