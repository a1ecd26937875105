"""X-Ray around each local invocation, without a daemon.

Each invocation runs in a segment so handlers' patched boto calls have a parent. Sampling is
local and emission is fire-and-forget UDP to ``127.0.0.1:2000``: with no daemon listening that
costs nothing and fails nothing. Tracing problems are logged at DEBUG and never reach a handler.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["xray_segment"]

log = logging.getLogger("hexa.local.functions")

_xray_lock = threading.Lock()
_xray_state: dict[str, Any] = {}


def _xray_recorder() -> Any:
    """The SDK's global recorder, set up once for a daemon-less process (None if not installed)."""
    with _xray_lock:
        if "recorder" in _xray_state:
            return _xray_state["recorder"]
        os.environ.setdefault("AWS_XRAY_CONTEXT_MISSING", "IGNORE_ERROR")
        try:
            from aws_xray_sdk.core import xray_recorder
            from aws_xray_sdk.core.sampling.local.sampler import LocalSampler
            from aws_xray_sdk.core.sampling.sampler import DefaultSampler
        except ImportError:
            _xray_state["recorder"] = None
            return None
        try:
            # The centralized sampler polls the daemon over HTTP and logs an error each time it is
            # absent; the local sampler applies the same default rule (1/s + 5%) without pollers.
            if isinstance(getattr(xray_recorder, "sampler", None), DefaultSampler):
                xray_recorder.configure(sampler=LocalSampler())
            xray_recorder.configure(context_missing=os.environ["AWS_XRAY_CONTEXT_MISSING"])
        except Exception:  # noqa: BLE001 - tracing must never stop a function from running
            log.debug("could not configure the X-Ray recorder", exc_info=True)
        _xray_state["recorder"] = xray_recorder
        return xray_recorder


@contextmanager
def xray_segment(name: str) -> Iterator[None]:
    """Run the ``with`` body inside an X-Ray segment called ``name`` (a no-op without the SDK)."""
    recorder = _xray_recorder()
    traced = False
    if recorder is not None:
        try:
            recorder.begin_segment(name=name)
            traced = True
        except Exception:  # noqa: BLE001
            log.debug("X-Ray begin_segment failed", exc_info=True)
    try:
        yield
    finally:
        if traced:
            try:
                recorder.end_segment()
            except Exception:  # noqa: BLE001
                log.debug("X-Ray end_segment failed", exc_info=True)
