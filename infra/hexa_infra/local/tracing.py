"""X-Ray around each local invocation: every invocation is sampled and sent to the daemon address.

Each invocation runs in a segment so handlers' patched calls have a parent. It continues the trace
header it is given (the HTTP request's ``X-Amzn-Trace-Id``, an SQS batch's first ``AWSTraceHeader``)
and starts a trace otherwise. Sampling is local and keeps everything (a local trace missing half its
segments helps nobody). Emission is fire-and-forget UDP to ``AWS_XRAY_DAEMON_ADDRESS`` (default
``127.0.0.1:2000``, where ``xray_daemon`` listens): with no one listening that costs nothing and fails
nothing. Tracing problems are logged at DEBUG and never reach a handler.
"""

from __future__ import annotations

import logging
import os
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Traced", "record_result", "refresh_daemon_address", "xray_segment"]

log = logging.getLogger("hexa.local.functions")

SAMPLE_EVERYTHING = {"version": 2, "default": {"fixed_target": 1, "rate": 1.0}, "rules": []}
DEFAULT_DAEMON_ADDRESS = "127.0.0.1:2000"

_xray_lock = threading.Lock()
_xray_state: dict[str, Any] = {}


@dataclass
class Traced:
    """What an invocation's segment continues (``header``) and records (HTTP request, linked traces)."""

    header: str | None = None
    http: dict[str, Any] = field(default_factory=dict)
    links: tuple[str, ...] = ()  # headers of other traces this invocation also serves
    trace_id: str | None = None  # the trace the segment joined or started, once begun


def _xray_recorder() -> Any:
    """The SDK's global recorder, set up once for local runs (None if not installed)."""
    with _xray_lock:
        if "recorder" in _xray_state:
            return _xray_state["recorder"]
        os.environ.setdefault("AWS_XRAY_CONTEXT_MISSING", "IGNORE_ERROR")
        try:
            from aws_xray_sdk.core import xray_recorder
            from aws_xray_sdk.core.sampling.local.sampler import LocalSampler
        except ImportError:
            _xray_state["recorder"] = None
            return None
        try:
            # the centralized sampler would poll a daemon over TCP and log each time it is absent
            xray_recorder.configure(
                sampler=LocalSampler(SAMPLE_EVERYTHING),
                context_missing=os.environ["AWS_XRAY_CONTEXT_MISSING"],
            )
        except Exception:  # noqa: BLE001 - tracing must never stop a function from running
            log.debug("could not configure the X-Ray recorder", exc_info=True)
        _xray_state["recorder"] = xray_recorder
        return xray_recorder


def refresh_daemon_address() -> None:
    """Send to ``AWS_XRAY_DAEMON_ADDRESS`` as it is now (the SDK reads it once, at import)."""
    recorder = _xray_recorder()
    if recorder is not None:
        recorder.emitter.set_daemon_address(os.environ.get("AWS_XRAY_DAEMON_ADDRESS", DEFAULT_DAEMON_ADDRESS))


@contextmanager
def xray_segment(name: str, traced: Traced | None = None) -> Iterator[Any]:
    """Run the ``with`` body inside segment ``name``; yields the segment (None without the SDK)."""
    recorder = _xray_recorder()
    segment = None
    if recorder is not None:
        try:
            segment = _begin(recorder, name, traced or Traced())
        except Exception:  # noqa: BLE001
            log.debug("X-Ray begin_segment failed", exc_info=True)
    try:
        yield segment
    except Exception as error:
        if segment is not None:
            try:
                segment.add_exception(error, traceback.extract_tb(error.__traceback__))
            except Exception:  # noqa: BLE001
                log.debug("X-Ray: could not record the exception", exc_info=True)
        raise
    finally:
        if segment is not None:
            try:
                recorder.end_segment()
            except Exception:  # noqa: BLE001
                log.debug("X-Ray end_segment failed", exc_info=True)


def _begin(recorder: Any, name: str, traced: Traced) -> Any:
    from aws_xray_sdk.core.models.trace_header import TraceHeader

    header = TraceHeader.from_header_str(traced.header)
    sampled = header.sampled if header.root and header.sampled in (0, 1) else None
    segment = recorder.begin_segment(
        name=name, traceid=header.root, parent_id=header.parent if header.root else None, sampling=sampled
    )
    traced.trace_id = segment.trace_id if segment.sampled else header.root
    for key, value in traced.http.items():
        segment.put_http_meta(key, value)
    if traced.links:
        segment.put_metadata(
            "linked_traces", [TraceHeader.from_header_str(h).root for h in traced.links], "hexa"
        )
    return segment


def record_result(segment: Any, result: Any) -> None:
    """An API Gateway proxy response's status on an HTTP invocation's segment."""
    if segment is not None and segment.http and isinstance(result, dict) and "statusCode" in result:
        try:
            segment.put_http_meta("status", int(result["statusCode"]))
        except Exception:  # noqa: BLE001
            log.debug("X-Ray: could not record the status", exc_info=True)
