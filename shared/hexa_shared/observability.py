"""Structured JSON logs with correlation ids, and X-Ray tracing that costs nothing without a daemon.

* Logs: Powertools ``Logger`` (one JSON object per line). ``bind_correlation_id`` uses Powertools'
  thread-safe keys, so concurrent requests served by one local process never mix their ids.
* Traces: aws-xray-sdk patches botocore (so boto3 *and* pynamodb calls become subsegments) and
  ``requests`` (calls to other contexts carry ``X-Amzn-Trace-Id``; ``hexa_shared.tracing`` carries the
  header through events). ``context_missing=IGNORE_ERROR`` means code running outside a segment (a
  CLI, a unit test) neither raises nor logs; the UDP emitter is fire-and-forget, so no listening daemon
  costs no time. A bound correlation id is also an X-Ray annotation (``correlation_id``).
"""

from __future__ import annotations

import functools
import os
import re
from contextlib import contextmanager
from typing import Iterator

from aws_lambda_powertools import Logger

from hexa_shared import tracing

CORRELATION_HEADER = "x-correlation-id"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


@functools.lru_cache(maxsize=None)
def logger(service: str) -> Logger:
    return Logger(service=service, level=os.environ.get("LOG_LEVEL", "INFO"))


def safe_correlation_id(candidate: str | None, fallback: str) -> str:
    """Accept a caller's correlation id only if it is short and plain (it ends up in logs and events)."""
    return candidate if candidate and _SAFE_ID.match(candidate) else fallback


@contextmanager
def bound_correlation_id(log: Logger, correlation_id: str) -> Iterator[None]:
    log.thread_safe_append_keys(correlation_id=correlation_id)
    try:
        with tracing.annotated(log.service, correlation_id=correlation_id):
            yield
    finally:
        log.thread_safe_remove_keys(["correlation_id"])


@functools.lru_cache(maxsize=None)
def enable_tracing() -> None:
    """Patch AWS SDK and ``requests`` calls once per container (``HEXA_TRACING=off``: no patching at all).

    ``requests`` is patched when something imports it (at once if it already is): a function that never
    makes an HTTP call does not load it at cold start just to be traced."""
    if tracing.recorder() is None:
        return
    import wrapt
    from aws_xray_sdk.core import patch

    patch(["botocore"])
    wrapt.register_post_import_hook(lambda _module: patch(["requests"]), "requests")
