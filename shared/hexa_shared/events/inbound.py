"""What a consumer does with a message before acting on it: prove it is an event it may act on.

Every consumer validates what it receives against the same JSON Schema the publisher used — ids are
UUIDs, required fields are there, ``occurred_at`` is a timestamp, ``event_version`` is known, the
source is the one allowed to publish it, the message fits EventBridge's limits — and refuses events it
does not consume. :class:`InvalidEvent` carries the reason: the message goes to the DLQ with it and
causes no effect. A well-formed event that *later* fails (a table throttles) is an ordinary failure,
retried.
"""

from __future__ import annotations

from typing import Any, Collection

from hexa_shared.events import schema
from hexa_shared.events.envelope import IntegrationEvent, parse_eventbridge_message

# An EventBridge entry (≤ 256 KB) plus the envelope EventBridge wraps around it on the way to SQS
MAX_MESSAGE_BYTES = schema.MAX_ENTRY_BYTES + 4 * 1024


class InvalidEvent(ValueError):
    """Not an event this consumer may act on; ``str()`` is the reason (field paths, never values)."""


def receive(body: str | bytes | dict[str, Any], accepts: Collection[str]) -> IntegrationEvent:
    """The validated event in ``body``, or :class:`InvalidEvent` saying why it is refused."""
    size = len(body.encode() if isinstance(body, str) else body) if isinstance(body, (str, bytes)) else 0
    if size > MAX_MESSAGE_BYTES:
        raise InvalidEvent(
            f"message of {size} bytes is over the {MAX_MESSAGE_BYTES} an EventBridge event can be"
        )
    try:
        event = parse_eventbridge_message(body)
    except ValueError as error:
        raise InvalidEvent(str(error)) from None
    if event.name not in accepts:
        raise InvalidEvent(
            f"'{event.name[:80]}' is not an event this consumer handles ({', '.join(sorted(accepts))})"
        )
    try:
        schema.validate(event)
    except schema.EventSchemaError as error:
        raise InvalidEvent(str(error)) from None
    return event
