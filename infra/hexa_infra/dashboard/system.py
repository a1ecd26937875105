"""Processes' CPU and memory (from /proc: no dependency) and health probes with short timeouts."""

from __future__ import annotations

import os
import time
from typing import Any, Callable

import requests

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class ProcessMeter:
    """CPU % (of one core) since the previous reading, and resident memory, of one process."""

    def __init__(self, pid: int, name: str) -> None:
        self.pid, self.name = pid, name
        self._last: tuple[float, float] | None = None

    def read(self) -> dict[str, Any]:
        try:
            with open(f"/proc/{self.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{self.pid}/statm") as statm:
                rss_pages = int(statm.read().split()[1])
        except (OSError, IndexError, ValueError):
            return {"name": self.name, "pid": self.pid, "up": False, "cpu_percent": None, "rss_mb": None}
        cpu_seconds = (int(fields[11]) + int(fields[12])) / _TICKS
        now = time.monotonic()
        percent = None
        if self._last is not None and now > self._last[0]:
            percent = round(100 * (cpu_seconds - self._last[1]) / (now - self._last[0]), 1)
        self._last = (now, cpu_seconds)
        return {
            "name": self.name,
            "pid": self.pid,
            "up": True,
            "cpu_percent": percent,
            "rss_mb": round(rss_pages * _PAGE / 2**20, 1),
        }


def probe(name: str, check: Callable[[], Any]) -> dict[str, Any]:
    """``check`` returns a detail or raises; timed, never raising."""
    started = time.perf_counter()
    try:
        detail = check()
        ok = True
    except Exception as error:  # noqa: BLE001 - a probe reports, it never fails the dashboard
        detail, ok = f"{type(error).__name__}: {str(error)[:160]}", False
    return {"name": name, "ok": ok, "ms": round((time.perf_counter() - started) * 1000, 1), "detail": detail}


def http_ok(
    url: str, headers: dict[str, str] | None = None, timeout: float = 1.0, below: int = 201
) -> Callable[[], str]:
    """Up when the answer's status is below ``below`` (200 only by default; 500 for "it answers")."""

    def check() -> str:
        answer = requests.get(url, headers=headers, timeout=timeout)
        if answer.status_code >= below:
            raise RuntimeError(f"HTTP {answer.status_code}")
        return f"HTTP {answer.status_code}"

    return check
