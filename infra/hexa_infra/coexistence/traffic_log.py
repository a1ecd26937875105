"""What the facade served, kept per answer for a while, summarised over rolling windows per side.

The rollout's gates read it (error rate over 2 min, p95 over 5 min by default); a sample is
(time, side, route, status, latency). Bounded: at most ``max_samples`` answers and ``horizon``
seconds are kept, so a long run cannot grow it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

from hexa_infra.local.metric_store import percentile


@dataclass(frozen=True)
class WindowStats:
    requests: int
    errors: int  # 5xx (the facade's own 502 included: the side did not answer)
    p95_ms: float | None  # None without requests

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 0.0

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "error_rate": round(self.error_rate, 4),
            "p95_ms": None if self.p95_ms is None else round(self.p95_ms, 2),
        }


class TrafficLog:
    def __init__(self, *, horizon: float = 900.0, max_samples: int = 200_000) -> None:
        self.horizon = horizon
        self._samples: deque[tuple[float, str, str, int, float]] = deque(maxlen=max_samples)
        self._lock = threading.Lock()

    def record(self, side: str, route: str, status: int, latency_ms: float, at: float | None = None) -> None:
        with self._lock:
            self._samples.append((time.time() if at is None else at, side, route, status, latency_ms))

    def window(self, side: str, seconds: float, now: float | None = None, since: float = 0.0) -> WindowStats:
        """The last ``seconds``, but nothing before ``since`` (a rollout never judges traffic older than
        itself)."""
        now = time.time() if now is None else now
        seconds = min(seconds, max(0.0, now - since))
        with self._lock:
            while self._samples and self._samples[0][0] < now - self.horizon:
                self._samples.popleft()
            picked = [
                (status, latency)
                for at, s, _, status, latency in self._samples
                if s == side and at >= now - seconds
            ]
        latencies = [latency for _, latency in picked]
        return WindowStats(
            len(picked),
            sum(1 for status, _ in picked if status >= 500),
            percentile(latencies, 95) if latencies else None,
        )
