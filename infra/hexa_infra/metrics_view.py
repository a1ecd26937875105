"""``hexa metrics``: the running local cloud's per-route and per-consumer metrics, as tables.

The functions emit CloudWatch EMF (``hexa_shared.metrics``); locally the runtime keeps the blobs and
its telemetry port answers them summarised (``GET /metrics``). moto computes no percentiles and
evaluates no alarms, so this is where a local run shows error rates, latency percentiles and how far
behind each consumer runs.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rich.table import Table

from hexa_infra.traces import local_query

# DESIGN.md §4, as the template's alarms watch them (per service there; per route and consumer here)
MAX_ERROR_RATE, MAX_P95_LATENCY_MS, MAX_P95_EVENT_AGE_MS = 0.05, 1000.0, 30000.0


def fetch(address: str, stack: str) -> list[dict[str, Any]]:
    return local_query(address, "metrics", stack)


def route_rows(summary: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per route: requests, 5xx, 4xx, 5xx rate and latency percentiles."""
    routes: dict[str, dict[str, Any]] = defaultdict(dict)
    for row in summary:
        route = row["dimensions"].get("route")
        if route:
            routes[route][row["metric"]] = row
    rows = []
    for route, by_metric in sorted(routes.items()):
        requests = int(by_metric.get("Requests", {}).get("sum", 0))
        errors = int(by_metric.get("Errors", {}).get("sum", 0))
        latency = by_metric.get("Latency", {})
        rows.append(
            {
                "route": route,
                "requests": requests,
                "errors": errors,
                "client_errors": int(by_metric.get("ClientErrors", {}).get("sum", 0)),
                "error_rate": errors / requests if requests else 0.0,
                "p50": latency.get("p50"),
                "p95": latency.get("p95"),
                "p99": latency.get("p99"),
            }
        )
    return rows


def consumer_rows(summary: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per consumer and event: events, failures, and event age (now − occurred_at) percentiles."""
    consumers: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    for row in summary:
        consumer = row["dimensions"].get("consumer")
        if consumer:
            consumers[(consumer, row["dimensions"].get("event", ""))][row["metric"]] = row
    rows = []
    for (consumer, event), by_metric in sorted(consumers.items()):
        age = by_metric.get("EventAge", {})
        rows.append(
            {
                "consumer": consumer,
                "event": event,
                "events": int(by_metric.get("Events", {}).get("sum", 0)),
                "failures": int(by_metric.get("EventFailures", {}).get("sum", 0)),
                "age_p50": age.get("p50"),
                "age_p95": age.get("p95"),
                "age_max": age.get("max"),
            }
        )
    return rows


def tables(summary: list[dict[str, Any]]) -> list[Table]:
    routes = Table(
        "route",
        "requests",
        "5xx",
        "4xx",
        "5xx rate",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        title="HTTP routes (handler time)",
    )
    for row in route_rows(summary):
        routes.add_row(
            row["route"],
            str(row["requests"]),
            str(row["errors"]),
            str(row["client_errors"]),
            f"{row['error_rate']:.1%}",
            _ms(row["p50"]),
            _ms(row["p95"]),
            _ms(row["p99"]),
            style="red"
            if row["error_rate"] > MAX_ERROR_RATE or (row["p95"] or 0) > MAX_P95_LATENCY_MS
            else None,
        )
    consumers = Table(
        "consumer",
        "event",
        "events",
        "failures",
        "age p50 ms",
        "age p95 ms",
        "age max ms",
        title="Event consumers (age = handled − occurred_at)",
    )
    for row in consumer_rows(summary):
        consumers.add_row(
            row["consumer"],
            row["event"],
            str(row["events"]),
            str(row["failures"]),
            _ms(row["age_p50"]),
            _ms(row["age_p95"]),
            _ms(row["age_max"]),
            style="red" if row["failures"] or (row["age_p95"] or 0) > MAX_P95_EVENT_AGE_MS else None,
        )
    return [routes, consumers]


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"
