"""Wakes stream pollers when the embedded emulator appends a stream record (instead of busy polling).

With moto in this process, ``moto_fixes`` makes every ``StreamShard.add`` call :meth:`notify`; the
stream pollers then sleep on :meth:`wait` with a long fallback timeout. Eleven pollers polling every
50 ms cost ~200 emulator requests a second on a 2-core machine for nothing; with the signal an idle
local cloud makes ~11, and a new record is picked up at once rather than after half an interval on
average. Against an external endpoint (LocalStack, AWS) nobody notifies and pollers keep their interval.
"""
from __future__ import annotations

import threading


class StreamSignal:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._generation = 0

    @property
    def generation(self) -> int:
        with self._cond:
            return self._generation

    def notify(self) -> None:
        with self._cond:
            self._generation += 1
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float) -> None:
        """Return once a record newer than generation ``seen`` exists, or after ``timeout``."""
        with self._cond:
            self._cond.wait_for(lambda: self._generation != seen, timeout)


EMULATOR_STREAMS = StreamSignal()
