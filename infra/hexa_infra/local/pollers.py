"""The template's event source mappings as running pollers: SQS queues and DynamoDB streams."""

from __future__ import annotations

import logging
import time
from typing import Any

from .aws import Clients
from .event_sources import sqs_mappings, stream_mappings
from .functions import LocalFunction
from .poller_thread import PollerThread
from .resources import ResourceMap
from .sqs_poller import SqsPoller
from .stream_poller import StreamPoller
from .stream_signal import StreamSignal
from .template import Template

log = logging.getLogger("hexa.local.cloud")

HANDLED_EVENT_TYPES = {"Api", "SQS", "DynamoDB"}


def warn_unhandled_events(template: Template) -> None:
    for lid, name, event in template.function_events():
        if event.get("Type") not in HANDLED_EVENT_TYPES:
            log.warning(
                "%s.Events.%s: event type %s is not emulated locally (never triggers)",
                lid,
                name,
                event.get("Type"),
            )


def start_pollers(
    template: Template,
    resources: ResourceMap,
    clients: Clients,
    functions: dict[str, LocalFunction],
    *,
    retry_delay: float,
    max_retry_delay: float | None,
    poll_interval: float,
    wakeup: StreamSignal | None,
) -> list[PollerThread[Any]]:
    """One started poller per enabled mapping (``wakeup``: the embedded emulator's stream signal). If one
    fails to start, those already started are stopped before the error propagates: none is left running."""
    pollers: list[PollerThread[Any]] = []
    try:
        for sqs_mapping in sqs_mappings(template, resources, clients):
            if sqs_mapping.enabled:
                poller = SqsPoller(
                    sqs_mapping, functions[sqs_mapping.function], clients, retry_delay=retry_delay
                )
                pollers.append(poller.start())
        for stream_mapping in stream_mappings(template, resources, clients):
            if stream_mapping.enabled:
                stream_poller = StreamPoller(
                    stream_mapping,
                    functions[stream_mapping.function],
                    clients,
                    retry_delay=retry_delay,
                    max_retry_delay=max_retry_delay,
                    poll_interval=poll_interval,
                    wakeup=wakeup,
                )
                pollers.append(stream_poller.start())
    except BaseException:
        for started in pollers:
            started.signal_stop()
        for started in pollers:
            started.stop()
        raise
    return pollers


def wait_until_idle(pollers: list[PollerThread[Any]], timeout: float) -> None:
    """Block until no poller has anything pending, including work one poller caused for another.

    Raises ``TimeoutError`` naming the busy pollers. A record retried forever (infinite
    ``MaximumRetryAttempts``) keeps its poller busy, so this times out rather than lying.
    """
    deadline = time.monotonic() + timeout
    while True:
        before = [p.batches for p in pollers]
        busy = [p.name for p in pollers if not p.wait_until_idle(max(0.0, deadline - time.monotonic()))]
        if busy:
            raise TimeoutError(f"pollers still busy after {timeout}s: {', '.join(busy)}")
        if [p.batches for p in pollers] == before:
            return
