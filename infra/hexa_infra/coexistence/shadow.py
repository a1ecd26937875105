"""Shadow comparison: a share of GETs also sent to the side that did not serve them, off the caller's
path, and the two answers compared after normalisation.

Never delays or fails the caller: the caller's answer is already sent when the shadow request is
queued, a full queue drops the comparison (counted), and a failing shadow request is counted, not
raised. Normalisation drops the declared volatile fields (:data:`VOLATILE`) at any depth and compares
the fields both sides return (a field only one side has is a shape difference the stand-in is allowed,
listed in the example but not counted); the status codes must match. Mismatches are kept per route
(ids replaced by ``{}``) with a few examples each.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

# Fields that differ between two correct answers: per-request ids, generation times, paging cursors.
VOLATILE = frozenset(
    {"request_id", "correlation_id", "trace_id", "generated_at", "next_token", "etag", "version"}
)  # blue numbers versions by lifecycle position, green by writes
_ID = re.compile(r"^(?:[0-9a-fA-F-]{32,36}|\d+|\d{4}-\d{2}-\d{2})$")

Send = Callable[
    [str, str, str, dict[str, str]], tuple[int, bytes]
]  # side, method, path, headers -> status, body


def route_of(method: str, path: str) -> str:
    parts = [("{}" if _ID.match(part) else part) for part in path.split("?", 1)[0].split("/")]
    return f"{method} {'/'.join(parts)}"


def normalised(body: bytes) -> Any:
    try:
        value = json.loads(body or b"null")
    except ValueError:
        return body.decode("utf-8", "replace")
    return _without_volatile(value)


def _without_volatile(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_volatile(v) for k, v in value.items() if k.lower() not in VOLATILE}
    if isinstance(value, list):
        return [_without_volatile(v) for v in value]
    return value


def differences(served: Any, other: Any, where: str = "") -> list[str]:
    """Paths whose values differ between two normalised bodies (common fields only)."""
    if isinstance(served, dict) and isinstance(other, dict):
        found: list[str] = []
        for key in sorted(served.keys() & other.keys()):
            found += differences(served[key], other[key], f"{where}.{key}" if where else key)
        return found
    if isinstance(served, list) and isinstance(other, list):
        if len(served) != len(other):
            return [f"{where or '$'} (length {len(served)} vs {len(other)})"]
        found = []
        for index, (a, b) in enumerate(zip(served, other)):
            found += differences(a, b, f"{where}[{index}]")
        return found
    return [] if served == other else [where or "$"]


@dataclass
class _Route:
    compared: int = 0
    mismatches: int = 0


class ShadowComparer:
    def __init__(
        self,
        send: Send,
        *,
        workers: int = 4,
        max_in_flight: int = 200,
        examples: int = 3,
        horizon: float = 86_400.0,
    ) -> None:
        self._send = send
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hexa-shadow")
        self._slots = threading.BoundedSemaphore(max_in_flight)
        self._lock = threading.Lock()
        self._events: deque[tuple[float, str, bool]] = deque(maxlen=100_000)
        self._examples: dict[str, deque[dict[str, Any]]] = {}
        self._keep_examples = examples
        self.horizon = horizon
        self.dropped = self.failed = 0

    def submit(
        self, served_by: str, method: str, path: str, headers: dict[str, str], status: int, body: bytes
    ) -> bool:
        """Queue one comparison (after the caller was answered); False when dropped (queue full)."""
        if not self._slots.acquire(blocking=False):
            with self._lock:
                self.dropped += 1
            return False
        other = "blue" if served_by == "green" else "green"
        self._pool.submit(self._compare, other, served_by, method, path, headers, status, body)
        return True

    def _compare(
        self,
        other: str,
        served_by: str,
        method: str,
        path: str,
        headers: dict[str, str],
        status: int,
        body: bytes,
    ) -> None:
        try:
            try:
                other_status, other_body = self._send(other, method, path, headers)
            except Exception:  # noqa: BLE001 - a failing shadow is counted, never raised into the facade
                with self._lock:
                    self.failed += 1
                return
            found = [] if other_status == status else [f"status {status} vs {other_status}"]
            if other_status == status:
                found = differences(normalised(body), normalised(other_body))
            route = route_of(method, path)
            with self._lock:
                self._events.append((time.time(), route, bool(found)))
                if found:
                    self._examples.setdefault(route, deque(maxlen=self._keep_examples)).append(
                        {
                            "path": path,
                            "served_by": served_by,
                            "fields": found[:10],
                            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                        }
                    )
        finally:
            self._slots.release()

    def stats(self, since: float = 0.0) -> dict[str, Any]:
        """Per route since ``since`` (epoch seconds): compared, mismatches, rate, examples."""
        routes: dict[str, _Route] = {}
        with self._lock:
            for at, route, mismatch in self._events:
                if at >= since:
                    entry = routes.setdefault(route, _Route())
                    entry.compared += 1
                    entry.mismatches += mismatch
            examples = {route: list(found) for route, found in self._examples.items()}
            dropped, failed = self.dropped, self.failed
        compared = sum(r.compared for r in routes.values())
        mismatches = sum(r.mismatches for r in routes.values())
        return {
            "compared": compared,
            "mismatches": mismatches,
            "mismatch_rate": round(mismatches / compared, 4) if compared else 0.0,
            "dropped": dropped,
            "failed": failed,
            "routes": {
                route: {
                    "compared": r.compared,
                    "mismatches": r.mismatches,
                    "mismatch_rate": round(r.mismatches / r.compared, 4),
                    "examples": examples.get(route, []) if r.mismatches else [],
                }
                for route, r in sorted(routes.items())
            },
        }

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
