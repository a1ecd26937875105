"""The EMF blobs the local functions emitted, kept per series and summarised the way CloudWatch would.

moto stores metric data but computes neither percentiles nor alarms, so locally the runtime keeps the
blobs itself (``hexa_shared.metrics.emit_to``). A series is one namespace + metric name + dimension
set; each keeps its last ``max_values`` values (a bounded window, like a dashboard's period).
"""

from __future__ import annotations

import math
import threading
from collections import deque
from typing import Any

__all__ = ["MetricStore", "percentile"]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (what CloudWatch's ``p95`` statistic approximates)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


class MetricStore:
    """Thread-safe: functions add blobs from any thread; ``summary()`` reads a consistent copy."""

    def __init__(self, max_values: int = 10_000) -> None:
        self.max_values = max_values
        self._series: dict[tuple[str, str, tuple[tuple[str, str], ...]], deque[float]] = {}
        self._units: dict[str, str] = {}
        self._lock = threading.Lock()
        # bumped by every write request and every event handled: a cheap "did anything change?" for
        # readers that recount (the dashboard's business numbers) instead of polling the tables
        self.changes = 0

    def add(self, blob: dict[str, Any]) -> None:
        directives = (blob.get("_aws") or {}).get("CloudWatchMetrics") or []
        names = {m.get("Name") for d in directives for m in d.get("Metrics", [])}
        if "Events" in names or (
            "Requests" in names and not str(blob.get("route", "")).startswith(("GET ", "HEAD "))
        ):
            self.changes += 1
        with self._lock:
            for directive in directives:
                dimension_names = {name for group in directive.get("Dimensions", []) for name in group}
                dimensions = tuple(sorted((name, str(blob.get(name, ""))) for name in dimension_names))
                for metric in directive.get("Metrics", []):
                    name = metric["Name"]
                    values = blob.get(name)
                    values = values if isinstance(values, list) else [values]
                    key = (directive.get("Namespace", ""), name, dimensions)
                    series = self._series.setdefault(key, deque(maxlen=self.max_values))
                    series.extend(float(v) for v in values if isinstance(v, (int, float)))
                    self._units[name] = metric.get("Unit", "None")

    def values(self, name: str, **match: str) -> list[float]:
        """Every kept value of metric ``name`` over the series whose dimensions include ``match``."""
        with self._lock:
            picked = [
                list(values)
                for (_, metric, dimensions), values in self._series.items()
                if metric == name and all(dict(dimensions).get(k) == v for k, v in match.items())
            ]
        return [value for values in picked for value in values]

    def dimension_values(self, name: str, dimension: str) -> set[str]:
        """The values ``dimension`` takes on the series of metric ``name`` (e.g. every consumer with an
        age)."""
        with self._lock:
            return {
                dict(dims)[dimension]
                for (_, metric, dims), _ in self._series.items()
                if metric == name and dimension in dict(dims)
            }

    def summary(self) -> list[dict[str, Any]]:
        """One row per series: namespace, metric, unit, dimensions, count, sum, p50/p95/p99, max."""
        with self._lock:
            series = {key: list(values) for key, values in self._series.items()}
            units = dict(self._units)
        rows = []
        for (namespace, name, dimensions), values in sorted(series.items()):
            if not values:
                continue
            rows.append(
                {
                    "namespace": namespace,
                    "metric": name,
                    "unit": units.get(name, "None"),
                    "dimensions": dict(dimensions),
                    "count": len(values),
                    "sum": round(sum(values), 3),
                    "p50": percentile(values, 50),
                    "p95": percentile(values, 95),
                    "p99": percentile(values, 99),
                    "max": max(values),
                }
            )
        return rows
