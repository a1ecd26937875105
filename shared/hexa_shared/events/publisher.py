"""Publishes integration events to EventBridge: validated first, retried until every entry is in.

``PutEvents`` is not all-or-nothing: it answers 200 with ``FailedEntryCount`` > 0 and per-entry
error codes (throttling, internal failures). Dropping those silently loses events, so failed entries
are retried with exponential backoff + jitter and, if they still fail, :class:`PublishError` is raised
so the caller (an HTTP request or a stream/queue batch item) fails visibly and is retried.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import replace
from collections.abc import Mapping
from typing import Any, Callable, Iterable, Sequence

from hexa_shared.events import schema
from hexa_shared.events.envelope import IntegrationEvent
from hexa_shared.tracing import outgoing_trace_header

log = logging.getLogger("hexa.events.publisher")

MAX_ENTRIES_PER_CALL = 10  # the PutEvents limit


class PublishError(RuntimeError):
    def __init__(self, message: str, failed: Sequence[tuple[IntegrationEvent, str]]) -> None:
        super().__init__(message)
        self.failed = list(failed)


class EventBridgePublisher:
    def __init__(
        self,
        bus_name: str,
        client: Any,
        *,
        max_attempts: int = 5,
        base_delay: float = 0.05,
        max_delay: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.bus_name = bus_name
        self._client = client
        self._max_attempts = max_attempts
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._sleep = sleep

    def publish(self, events: Iterable[IntegrationEvent]) -> None:
        events = list(events)
        for event in events:  # validate everything before anything goes out
            schema.validate(event)
        for start in range(0, len(events), MAX_ENTRIES_PER_CALL):
            self._publish_chunk(events[start : start + MAX_ENTRIES_PER_CALL])

    def _entries(self, events: list[IntegrationEvent]) -> list[dict[str, Any]]:
        """PutEvents entries; each carries its trace header (EventBridge hands it to the targets)."""
        return [
            replace(e, trace_header=outgoing_trace_header(e.trace_header)).to_entry(self.bus_name)
            for e in events
        ]

    def _publish_chunk(self, pending: list[IntegrationEvent]) -> None:
        failures: list[tuple[IntegrationEvent, str]] = []
        for attempt in range(1, self._max_attempts + 1):
            response = self._client.put_events(Entries=self._entries(pending))
            if not response.get("FailedEntryCount"):
                return
            failures = [
                (event, f"{result.get('ErrorCode')}: {result.get('ErrorMessage')}")
                for event, result in zip(pending, response["Entries"])
                if result.get("ErrorCode")
            ]
            log.warning(
                "PutEvents attempt %d/%d: %d of %d entries failed (%s)",
                attempt,
                self._max_attempts,
                len(failures),
                len(pending),
                failures[0][1],
            )
            pending = [event for event, _ in failures]
            if attempt < self._max_attempts:
                self._sleep(
                    min(self._max_delay, self._base_delay * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)
                )
        raise PublishError(
            f"{len(failures)} event(s) not accepted by bus '{self.bus_name}' after "
            f"{self._max_attempts} attempts: {failures[0][1]}",
            failures,
        )


def publisher_on_bus(environ: Mapping[str, str]) -> EventBridgePublisher:
    """The integration bus of ``EVENT_BUS_NAME`` (the composition roots build theirs with this)."""
    from hexa_shared.aws import client

    return EventBridgePublisher(environ["EVENT_BUS_NAME"], client("events"))
