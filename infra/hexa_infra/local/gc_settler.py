"""Keep the cyclic garbage collector's full passes short in the one-process local cloud.

One process holds moto, botocore's service models, every handler and their data: hundreds of
thousands of long-lived objects. Each full (generation 2) collection re-scans all of them; measured at
200-600 ms, it stalls every request and poller at once (in Lambda each function has its own small
process). ``gc.freeze`` — what pre-fork servers do after start-up — moves the survivors of a
collection to a permanent generation that later passes skip. Start-up is not the end of loading
(botocore models, handler imports and data arrive with the first requests), so :class:`GarbageSettler`
repeats it every ``interval`` seconds; each repeat only scans what appeared since the last one.
Frozen objects are still freed by reference counting; only cycles among them wait forever, which a
development emulator can afford.
"""

from __future__ import annotations

import gc
import logging
import threading
import time

__all__ = ["GarbageSettler", "settle"]

log = logging.getLogger("hexa.local.gc")


def settle() -> float:
    """Collect, then freeze what survived; returns the pause in ms."""
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    return (time.perf_counter() - started) * 1000


_running = 0
_running_lock = threading.Lock()


class GarbageSettler:
    """Settles now and every ``interval`` s; when the last running settler stops, unfreezes the heap
    (so a stopped cloud's cyclic garbage becomes collectable again)."""

    def __init__(self, interval: float = 10.0) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> GarbageSettler:
        global _running
        with _running_lock:
            _running += 1
        log.debug("settled the heap in %.0f ms", settle())
        self._thread = threading.Thread(target=self._run, name="hexa-gc-settler", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            log.debug("settled the heap in %.0f ms", settle())

    def stop(self) -> None:
        global _running
        self._stop.set()
        if self._thread is None:
            return
        self._thread.join(timeout=5)
        self._thread = None
        with _running_lock:
            _running -= 1
            if _running == 0:
                gc.unfreeze()
