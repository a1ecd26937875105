"""Per-route and per-consumer metrics as CloudWatch EMF, built by Powertools, one blob per request.

In Lambda an EMF blob is one JSON line on stdout that CloudWatch turns into metrics: no API call, no
latency, nothing lost when CloudWatch is slow. ``EphemeralMetrics`` keeps no state between
instances, so concurrent requests in one process (the local runtime) never flush each other's
metrics. Locally the runtime installs a sink (:func:`emit_to`) that keeps the blobs, so
``hexa metrics`` can show what moto does not compute (percentiles, error rates).

Metrics (namespace ``POWERTOOLS_METRICS_NAMESPACE``, ``HexaBuilders/<stage>`` in the template), each
under several dimension sets so that alarms can watch a whole service and dashboards one route:

* ``Requests``, ``Errors`` (5xx), ``ClientErrors`` (4xx), ``Latency`` (ms, handler time), by
  ``[service]`` and by ``[route]`` (``GET /partners/{partner_id}``: routes are unique across the API);
* ``Events``, ``EventFailures`` and ``EventAge`` (ms from the event's ``occurred_at`` to the moment its
  consumer picked it up: how far behind the consumer runs), by ``[service]``, ``[consumer]`` and
  ``[consumer, event]``; a refused (invalid) event counts as a failure of event ``(invalid)``;
* ``StreamRecordsParked``: stream records set aside because they can never succeed, by ``[service]``
  and ``[consumer]``.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone
from typing import Any, Callable

from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

NAMESPACE = "HexaBuilders"
Sink = Callable[[dict[str, Any]], None]
_sink: Sink | None = None
_log = logging.getLogger("hexa.metrics")


def emit_to(sink: Sink | None) -> Sink | None:
    """Send blobs to ``sink`` instead of stdout (the local runtime's store); ``None`` restores stdout.
    Returns the sink it replaces, for the caller to put back."""
    global _sink
    previous, _sink = _sink, sink
    return previous


def record_request(service: str, route: str, status: int, latency_ms: float) -> None:
    metrics = _metrics(service)
    metrics.add_dimensions(route=route)
    metrics.add_metric(name="Requests", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="Errors", unit=MetricUnit.Count, value=1 if status >= 500 else 0)
    metrics.add_metric(name="ClientErrors", unit=MetricUnit.Count, value=1 if 400 <= status < 500 else 0)
    metrics.add_metric(name="Latency", unit=MetricUnit.Milliseconds, value=round(latency_ms, 3))
    _emit(metrics)


def record_event(service: str, consumer: str, event_name: str, age_ms: float | None, failed: bool) -> None:
    metrics = _metrics(service)
    metrics.add_dimensions(consumer=consumer)
    metrics.add_dimensions(consumer=consumer, event=event_name)
    metrics.add_metric(name="Events", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="EventFailures", unit=MetricUnit.Count, value=1 if failed else 0)
    if age_ms is not None:
        metrics.add_metric(name="EventAge", unit=MetricUnit.Milliseconds, value=age_ms)
    _emit(metrics)


def record_parked(service: str, consumer: str) -> None:
    """A stream record that can never succeed was parked in its failure queue (alarmed there too)."""
    metrics = _metrics(service)
    metrics.add_dimensions(consumer=consumer)
    metrics.add_metric(name="StreamRecordsParked", unit=MetricUnit.Count, value=1)
    _emit(metrics)


def event_age_ms(occurred_at: str, now: datetime | None = None) -> float | None:
    """Milliseconds since ``occurred_at`` (ISO 8601); None if it does not parse (never fails a handler)."""
    try:
        occurred = datetime.fromisoformat(occurred_at.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None
    if occurred.tzinfo is None:
        occurred = occurred.replace(tzinfo=timezone.utc)
    return round(((now or datetime.now(timezone.utc)) - occurred).total_seconds() * 1000, 3)


def _metrics(service: str) -> EphemeralMetrics:
    return EphemeralMetrics(
        namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", NAMESPACE), service=service
    )


def _emit(metrics: EphemeralMetrics) -> None:
    try:
        blob = metrics.serialize_metric_set()
        if _sink is not None:
            _sink(blob)
        else:
            print(json.dumps(blob, separators=(",", ":")), flush=True)
    except Exception:  # noqa: BLE001 - a metric must never fail the request it measures
        _log.warning("could not emit a metric", exc_info=True)
