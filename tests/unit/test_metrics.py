"""EMF metrics: what a request and an event emit, and how the local store summarises them."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from hexa_infra.local.metric_store import MetricStore, percentile
from hexa_shared import metrics


@pytest.fixture()
def store():  # noqa: ANN201
    kept = MetricStore()
    previous = metrics.emit_to(kept.add)
    yield kept
    metrics.emit_to(previous)


def _row(rows: list[dict], metric: str, **dimensions: str) -> dict:
    return next(
        r
        for r in rows
        if r["metric"] == metric and all(r["dimensions"].get(k) == v for k, v in dimensions.items())
    )


def test_a_request_emits_count_errors_and_latency_per_route(store: MetricStore) -> None:
    for status, latency in ((200, 10.0), (200, 30.0), (404, 5.0), (500, 80.0)):
        metrics.record_request("unit-service", "GET /widgets/{widget_id}", status, latency)
    metrics.record_request("unit-service", "POST /widgets", 201, 12.0)
    rows = store.summary()
    route = {"route": "GET /widgets/{widget_id}", "service": "unit-service"}
    assert _row(rows, "Requests", **route)["sum"] == 4
    assert _row(rows, "Errors", **route)["sum"] == 1
    assert _row(rows, "ClientErrors", **route)["sum"] == 1
    latency = _row(rows, "Latency", **route)
    assert (latency["unit"], latency["p50"], latency["max"]) == ("Milliseconds", 10.0, 80.0)
    assert _row(rows, "Requests", route="POST /widgets")["sum"] == 1


def test_an_event_emits_its_age_and_outcome_per_consumer(store: MetricStore) -> None:
    consumer = {"consumer": "unit.consumer", "event": "UnitEventHappened"}
    metrics.record_event("onboarding", consumer["consumer"], consumer["event"], 120.0, failed=False)
    metrics.record_event("onboarding", consumer["consumer"], consumer["event"], 900.0, failed=True)
    metrics.record_event("onboarding", consumer["consumer"], consumer["event"], None, failed=False)
    rows = store.summary()
    assert _row(rows, "Events", **consumer)["sum"] == 3
    assert _row(rows, "EventFailures", **consumer)["sum"] == 1
    age = _row(rows, "EventAge", **consumer)
    assert (age["count"], age["p50"], age["max"]) == (2, 120.0, 900.0)  # an unparseable age is left out


def test_event_age_is_measured_from_occurred_at_and_never_fails_on_garbage() -> None:
    now = datetime(2026, 1, 1, 0, 0, 1, 500000, tzinfo=timezone.utc)
    assert metrics.event_age_ms("2026-01-01T00:00:00Z", now) == 1500.0
    assert metrics.event_age_ms("2026-01-01T00:00:00.250000+00:00", now) == 1250.0
    assert metrics.event_age_ms("not a date", now) is None
    assert metrics.event_age_ms(None, now) is None  # type: ignore[arg-type]


def test_a_broken_sink_never_breaks_the_request() -> None:
    def broken(_: dict) -> None:
        raise RuntimeError("sink down")

    previous = metrics.emit_to(broken)
    try:
        metrics.record_request("svc", "GET /x", 200, 1.0)  # no exception
    finally:
        metrics.emit_to(previous)


def test_without_a_sink_the_blob_is_one_emf_line_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    previous = metrics.emit_to(None)
    try:
        metrics.record_request("svc", "GET /x", 503, 2.5)
    finally:
        metrics.emit_to(previous)
    line = capsys.readouterr().out.strip()
    assert line.startswith("{") and '"CloudWatchMetrics"' in line and '"Errors":[1.0]' in line
    assert '"Dimensions":[["service"],["route"]]' in line  # alarms watch the service, dashboards a route


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 99)) == (50.0, 95.0, 99.0)
    assert percentile([7.0], 99) == 7.0


def test_the_store_keeps_a_bounded_window_per_series() -> None:
    store = MetricStore(max_values=3)
    previous = metrics.emit_to(store.add)
    try:
        for latency in (1.0, 2.0, 3.0, 4.0):
            metrics.record_request("svc", "GET /x", 200, latency)
    finally:
        metrics.emit_to(previous)
    latency = _row(store.summary(), "Latency")
    assert (latency["count"], latency["p50"]) == (3, 3.0)
