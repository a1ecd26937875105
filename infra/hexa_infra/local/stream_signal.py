"""Wakes stream pollers when the embedded emulator appends a stream record (instead of busy polling).

With moto in this process, ``moto_fixes`` makes every ``StreamShard.add`` call :meth:`notify` with
the table's name; each stream poller sleeps on :meth:`wait` for its own table, with a long fallback
timeout. Six stream pollers polling every 50 ms cost ~120 emulator requests a second on a 2-core
machine for nothing; with the signal an idle local cloud makes ~6, a new record is picked up at once rather
than after half an interval on average, and only the readers of that table wake. Against an external
endpoint (LocalStack, AWS) nobody notifies and pollers keep their interval.
"""

from __future__ import annotations

import threading
from collections import defaultdict


class StreamSignal:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._generations: dict[str, int] = defaultdict(int)

    def generation(self, table: str) -> int:
        with self._cond:
            return self._generations[table]

    def notify(self, table: str | None = None) -> None:
        """A record was appended to ``table``'s stream (``None``: wake every waiter, e.g. to stop)."""
        with self._cond:
            for key in [table] if table is not None else list(self._generations):
                self._generations[key] += 1
            self._cond.notify_all()

    def wait(self, table: str, seen: int, timeout: float) -> None:
        """Return once ``table`` has a record newer than generation ``seen``, or after ``timeout``."""
        with self._cond:
            self._cond.wait_for(lambda: self._generations[table] != seen, timeout)


def table_of(stream_arn: str) -> str:
    """``arn:aws:dynamodb:…:table/<name>/stream/<label>`` → ``<name>``."""
    return stream_arn.split(":table/", 1)[1].split("/stream/", 1)[0]


EMULATOR_STREAMS = StreamSignal()
