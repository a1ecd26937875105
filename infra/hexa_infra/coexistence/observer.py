"""Everything a rollout decides on, read from the running blue/green in one place, and the two actions
it takes on the change capture (drain before moving traffic, more workers when behind).

Served on the local cloud's loopback control port (``GET /coexistence``, ``POST /coexistence/drain``,
``POST /coexistence/scale``), so the rollout controller — its own process, restartable — reads what
the facade saw without sharing memory with it.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any, Callable

from hexa_infra.migration.legacy_db import connect

from . import capture


class Coexistence:
    def __init__(
        self,
        facade: Any,
        blue_to_green: Any,
        legacy_dsn: str,
        writer_pollers: Callable[[], list[Any]],
        blue_url: str,
    ) -> None:
        self.facade, self.blue_to_green, self.legacy_dsn = facade, blue_to_green, legacy_dsn
        self.writer_pollers, self.blue_url = writer_pollers, blue_url

    # ---------------------------------------------------------------- GET /coexistence
    def observe(self, error_window: float, p95_window: float, since: float) -> dict[str, Any]:
        """Green's and blue's traffic over the two windows (none of it before ``since``, epoch seconds),
        both lags, shadow mismatches and the blue -> green changes the platform refused since ``since``."""
        with connect(self.legacy_dsn) as conn:
            backlog = capture.backlog(conn)
            refused = capture.rejected(conn, limit=5, since=datetime.fromtimestamp(since, timezone.utc))
        return {
            "at": time.time(),
            **{
                side: {
                    "errors_window": self.facade.traffic.window(side, error_window, since=since).as_dict(),
                    "latency_window": self.facade.traffic.window(side, p95_window, since=since).as_dict(),
                }
                for side in ("green", "blue")
            },
            "lag": {
                "blue_to_green": round(backlog.lag_seconds, 3),
                "green_to_blue": round(self._writer_lag(), 3),
                "blue_to_green_pending": backlog.pending,
            },
            "rejected_changes": [{**r, "applied_at": str(r["applied_at"])} for r in refused],
            "shadow": self.facade.shadow.stats(since),
            "workers": {"blue_to_green": self.blue_to_green.workers},
            "blue_url": self.blue_url,
        }

    def _writer_lag(self) -> float:
        return max((p.oldest_pending_age() for p in self.writer_pollers()), default=0.0)

    # ---------------------------------------------------------------- POST /coexistence/drain
    def drain(self, direction: str, low: float, high: float, timeout: float) -> dict[str, Any]:
        """Apply what is pending toward ``direction``'s target for the partners whose cohort point is in
        [low, high) (the ones about to move), within ``timeout``; reports what is left."""
        from facade.cohorts import point

        started = time.monotonic()
        if direction == "blue_to_green":
            left = self.blue_to_green.drain(timeout, lambda p: p is None or low <= point(p) < high)
            return {
                "direction": direction,
                "drained": not left,
                "left": len(left),
                "seconds": round(time.monotonic() - started, 3),
            }
        if direction != "green_to_blue":
            raise ValueError("direction is blue_to_green or green_to_blue")
        deadline = started + timeout
        for poller in self.writer_pollers():
            poller.wait_until_idle(max(0.0, deadline - time.monotonic()))
        while self._writer_lag() > 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        lag = self._writer_lag()
        return {
            "direction": direction,
            "drained": lag == 0,
            "left_oldest_seconds": round(lag, 3),
            "seconds": round(time.monotonic() - started, 3),
        }

    # ---------------------------------------------------------------- POST /coexistence/scale
    def scale(self, workers: int) -> dict[str, Any]:
        """EventProcessingLag's action: more blue -> green workers (green -> blue scales in AWS by the
        writer's concurrency; locally it is one poller per stream shard)."""
        self.blue_to_green.workers = max(1, min(int(workers), 32))
        return {"workers": {"blue_to_green": self.blue_to_green.workers}}


def control(coexistence: Coexistence) -> Any:
    """The control-port routes: ``GET /coexistence?error_window=&p95_window=&since=``,
    ``POST /coexistence/drain {direction, low, high, timeout}``, ``POST /coexistence/scale {workers}``."""

    def serve(
        method: str, path: str, query: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        if method == "GET" and path.rstrip("/") == "/coexistence":
            return 200, coexistence.observe(
                float(query.get("error_window", 120)),
                float(query.get("p95_window", 300)),
                float(query.get("since", 0)),
            )
        if method == "POST" and path == "/coexistence/drain":
            return 200, coexistence.drain(
                str(body["direction"]),
                float(body.get("low", 0)),
                float(body.get("high", 100)),
                float(body.get("timeout", 30)),
            )
        if method == "POST" and path == "/coexistence/scale":
            return 200, coexistence.scale(int(body["workers"]))
        return 404, {"error": "GET /coexistence, POST /coexistence/drain, POST /coexistence/scale"}

    return serve
