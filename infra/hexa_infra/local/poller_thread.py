"""The thread every event source poller runs in: start, poll until stopped, survive endpoint errors.

One poller runs one event source mapping (an SQS or DynamoDB event of a function). A subclass
supplies one polling pass (``_poll_once``) and how to tell it is idle (``wait_until_idle``); this
base owns the daemon thread, the stop event, and the loop that retries a failing endpoint with a
backoff doubling from 0.1 s to 5 s.
"""

from __future__ import annotations

import logging
import threading
from typing import ClassVar, Generic, Protocol, TypeVar

from .functions import LocalFunction

__all__ = ["PollerThread"]


class _EventSourceMapping(Protocol):
    @property
    def function(self) -> str: ...

    @property
    def event_name(self) -> str: ...


_M = TypeVar("_M", bound=_EventSourceMapping)


class PollerThread(Generic[_M]):
    """One daemon thread polling one event source mapping for one function."""

    kind: ClassVar[str]  # "SQS poller", "stream poller": names the poller in logs
    thread_prefix: ClassVar[str]  # the thread is called ``<thread_prefix>-<name>``
    logger: ClassVar[logging.Logger]

    def __init__(self, mapping: _M, function: LocalFunction) -> None:
        self.mapping = mapping
        self.function = function
        self.name = f"{mapping.function}.{mapping.event_name}"
        self.batches = 0  # invocations made (for idle detection and tests)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- lifecycle

    def _start_thread(self) -> None:
        self._thread = threading.Thread(
            target=self._run, name=f"{self.thread_prefix}-{self.name}", daemon=True
        )
        self._thread.start()

    def signal_stop(self) -> None:
        """Ask the thread to finish its current call and exit (lets a caller stop many pollers at once)."""
        self._stop.set()
        self._wake()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop and join the thread (at most one in-flight receive/invocation later)."""
        self.signal_stop()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                self.logger.warning("%s %s did not stop within %.1fs", self.kind, self.name, timeout)
            self._thread = None

    def _wake(self) -> None:
        """Interrupt a sleep that does not watch the stop event (subclasses that sleep elsewhere)."""

    def wait_until_idle(self, timeout: float) -> bool:
        """True once the poller has nothing pending; False if ``timeout`` passes first."""
        raise NotImplementedError

    # ---------------------------------------------------------------- loop

    def _run(self) -> None:
        backoff = 0.1
        while not self._stop.is_set():
            try:
                self._poll_once()
            except Exception:  # noqa: BLE001 - the poller must survive endpoint hiccups
                self.logger.exception(
                    "%s %s: error talking to the endpoint; retrying in %.1fs", self.kind, self.name, backoff
                )
                self._after_error()
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
            else:
                backoff = 0.1

    def _poll_once(self) -> None:
        """One polling pass (receive, invoke, wait); an exception means the endpoint failed."""
        raise NotImplementedError

    def _after_error(self) -> None:
        """Reset per-pass state after ``_poll_once`` raised (before the backoff wait)."""
