"""The poller thread base shared by the SQS and stream pollers (unit tests: no emulator)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest

from hexa_infra.local.poller_thread import PollerThread


@dataclass(frozen=True)
class Mapping:
    function: str = "Fn"
    event_name: str = "Ev"


class FlakyPoller(PollerThread[Mapping]):
    """Fails its first ``failures`` passes, then counts passes until told to block."""

    kind = "test poller"
    thread_prefix = "hexa-test"
    logger: ClassVar[logging.Logger] = logging.getLogger("hexa.local.test")

    def __init__(self, failures: int, *, block: threading.Event | None = None) -> None:
        super().__init__(Mapping(), function=None)  # type: ignore[arg-type]  # never invoked here
        self.failures = failures
        self.block = block
        self.passes = 0
        self.recovered = 0
        self.healthy = threading.Event()

    def _poll_once(self) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("endpoint down")
        self.passes += 1
        self.healthy.set()
        if self.block is not None:
            self.block.wait()
        self._stop.wait(0.001)

    def _after_error(self) -> None:
        self.recovered += 1

    def wait_until_idle(self, timeout: float) -> bool:
        return self.healthy.wait(timeout)


def test_a_failing_pass_is_logged_reset_and_retried_after_a_backoff(caplog: pytest.LogCaptureFixture) -> None:
    poller = FlakyPoller(failures=2)
    assert poller.name == "Fn.Ev" and poller.batches == 0
    with caplog.at_level(logging.ERROR, logger="hexa.local.test"):
        poller._start_thread()
        try:
            assert poller.wait_until_idle(5)  # 0.1 s + 0.2 s of backoff, then a healthy pass
        finally:
            poller.stop()
    assert poller.recovered == 2 and poller.passes >= 1
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "test poller Fn.Ev: error talking to the endpoint; retrying in 0.1s",
        "test poller Fn.Ev: error talking to the endpoint; retrying in 0.2s",
    ]
    assert poller._thread is None


def test_stop_names_a_poller_that_does_not_finish(caplog: pytest.LogCaptureFixture) -> None:
    block = threading.Event()
    poller = FlakyPoller(failures=0, block=block)
    poller._start_thread()
    assert poller.wait_until_idle(5)
    assert any(t.name == "hexa-test-Fn.Ev" and t.daemon for t in threading.enumerate())
    with caplog.at_level(logging.WARNING, logger="hexa.local.test"):
        poller.signal_stop()
        poller.stop(timeout=0.05)
    block.set()
    assert [r.getMessage() for r in caplog.records] == ["test poller Fn.Ev did not stop within 0.1s"]
    assert poller._thread is None


def test_subclasses_must_supply_a_pass_and_idleness() -> None:
    bare: Any = PollerThread(Mapping(), function=None)  # type: ignore[arg-type]
    with pytest.raises(NotImplementedError):
        bare._poll_once()
    with pytest.raises(NotImplementedError):
        bare.wait_until_idle(0)
