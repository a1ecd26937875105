"""The local cloud's garbage settler: survivors leave the collector's scans, garbage does not survive."""

from __future__ import annotations

import gc
import time

from hexa_infra.local.gc_settler import GarbageSettler, settle


class _Leaf:
    """A GC-tracked object (a dict of plain values is not tracked at all)."""


class _Cycle:
    def __init__(self) -> None:
        self.me = self  # only the cyclic collector frees it


def test_settle_frees_cycles_and_freezes_the_survivors() -> None:
    kept = [_Leaf() for _ in range(1000)]
    garbage = [_Cycle() for _ in range(100)]
    del garbage

    settle()

    try:
        assert not any(isinstance(o, _Cycle) for o in gc.get_objects())  # collected before freezing
        assert not _scanned(_Leaf) and len(kept) == 1000  # alive, frozen: no longer scanned
    finally:
        gc.unfreeze()


def test_the_settler_repeats_until_stopped() -> None:
    settler = GarbageSettler(interval=0.01).start()
    try:
        survivors = [_Leaf() for _ in range(500)]
        deadline = time.monotonic() + 5
        while _scanned(_Leaf) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not _scanned(_Leaf) and len(survivors) == 500
    finally:
        settler.stop()
        gc.unfreeze()
    assert settler._thread is None


def _scanned(kind: type) -> bool:
    """Whether any object of ``kind`` is still in a generation the collector scans (not frozen)."""
    return any(isinstance(o, kind) for o in gc.get_objects())
