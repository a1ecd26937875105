"""X-Ray trace headers across asynchronous hops: capture one in a request, continue it in a consumer.

A header (``Root=1-…;Parent=…;Sampled=1``) is captured where a request stores an event (outbox row,
event-store item) and travels with it: PutEvents ``TraceHeader`` → EventBridge → the SQS target's
``AWSTraceHeader`` system attribute → the consumer, which runs each record under it
(:func:`continue_trace`). So one trace covers request → relay → bus → queue → consumer.

How a consumer continues a trace:

* already in that trace (the local runtime starts an SQS invocation in its first record's trace): a
  subsegment;
* in Lambda, whose segment is a facade the SDK rebuilds from ``_X_AMZN_TRACE_ID`` and never emits:
  the record's header is put there for the record's duration, so its subsegments land in the record's
  trace under the producer (Lambda on its own only *links* the two traces);
* elsewhere: a segment of the same service in the record's trace, then the previous segment is restored.

Everything here is a no-op when ``HEXA_TRACING=off``, without a header, or outside any segment.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from contextlib import contextmanager
from typing import Any, Callable, Iterator, TypeVar

T = TypeVar("T")

LAMBDA_TRACE_ENV = "_X_AMZN_TRACE_ID"
_ROOT = re.compile(r"^1-[0-9a-f]{8}-[0-9a-f]{24}$")
_PARENT = re.compile(r"^[0-9a-f]{16}$")


def enabled() -> bool:
    return os.environ.get("HEXA_TRACING", "on").lower() != "off"


@functools.lru_cache(maxsize=None)
def _configured_recorder() -> Any:
    from aws_xray_sdk.core import xray_recorder

    xray_recorder.configure(context_missing="IGNORE_ERROR")
    # the SDK warns on every traced call made outside a segment (CLIs, pollers, tests) even when told
    # to ignore it; a missing segment is expected there, so only real errors are worth a log line
    logging.getLogger("aws_xray_sdk.core.recorder").setLevel(logging.ERROR)
    return xray_recorder


def recorder() -> Any | None:
    """The SDK's global recorder, configured for a missing segment to be harmless; None when tracing is
    off."""
    return _configured_recorder() if enabled() else None


def parse(header: str | None) -> Any | None:
    """The SDK's ``TraceHeader`` for a well-formed header, else None (X-Ray drops malformed ones too)."""
    if not header:
        return None
    from aws_xray_sdk.core.models.trace_header import TraceHeader

    parsed = TraceHeader.from_header_str(header)
    if (
        not parsed.root
        or not _ROOT.match(parsed.root)
        or (parsed.parent and not _PARENT.match(parsed.parent))
    ):
        return None
    return parsed


def header_of(entity: Any) -> str:
    from aws_xray_sdk.core.models.trace_header import TraceHeader

    return TraceHeader(root=entity.trace_id, parent=entity.id, sampled=entity.sampled).to_header_str()


def _entity(rec: Any | None) -> Any | None:
    return rec.get_trace_entity() if rec is not None else None


def current_trace_header() -> str | None:
    """The header naming the current segment or subsegment as parent; None outside a sampled trace."""
    entity = _entity(recorder())
    return header_of(entity) if entity is not None and entity.sampled else None


def outgoing_trace_header(stored: str | None) -> str | None:
    """What a published event carries: the current entity if it is in the event's trace (or the event
    has none), else the header stored with the event."""
    current = current_trace_header()
    if stored is not None and parse(stored) is None:
        stored = None  # malformed: X-Ray would drop it too
    if stored is None or (current and _root(current) == _root(stored)):
        return current
    return stored


def _root(header: str) -> str | None:
    parsed = parse(header)
    return parsed.root if parsed else None


@contextmanager
def continue_trace(header: str | None, name: str) -> Iterator[None]:
    """Run the ``with`` body as subsegment ``name`` of the trace ``header`` names (see the module doc).

    Meant for a batch handler's per-record step, where no subsegment is open: switching traces keeps
    the invocation's segment, not subsegments open around the call."""
    rec = recorder()
    incoming = parse(header)
    current = _entity(rec)
    if rec is None:
        yield
    elif incoming is None or (current is not None and current.trace_id == incoming.root):
        with rec.in_subsegment(name):
            yield
    elif _in_lambda(rec):
        with _lambda_trace(str(header)), rec.in_subsegment(name):
            yield
    else:
        with _segment_in(rec, incoming, current, name):
            yield


def _in_lambda(rec: Any) -> bool:
    from aws_xray_sdk.core.lambda_launcher import LambdaContext

    return isinstance(rec.context, LambdaContext)


@contextmanager
def _lambda_trace(header: str) -> Iterator[None]:
    previous = os.environ.get(LAMBDA_TRACE_ENV)
    os.environ[LAMBDA_TRACE_ENV] = header
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(LAMBDA_TRACE_ENV, None)
        else:
            os.environ[LAMBDA_TRACE_ENV] = previous


@contextmanager
def _segment_in(rec: Any, incoming: Any, previous: Any | None, name: str) -> Iterator[None]:
    service = getattr(previous, "parent_segment", previous)
    sampled = incoming.sampled if incoming.sampled in (0, 1) else None
    if previous is not None and previous.sampled:
        _link(previous, incoming.root)
    rec.begin_segment(
        getattr(service, "name", None) or name,
        traceid=incoming.root,
        parent_id=incoming.parent,
        sampling=sampled,
    )
    try:
        with rec.in_subsegment(name):
            yield
    finally:
        rec.end_segment()
        if previous is not None:
            rec.set_trace_entity(previous)
        else:
            rec.clear_trace_entities()


def _link(entity: Any, trace_id: str) -> None:
    links = (entity.metadata.get("hexa") or {}).get("linked_traces", [])
    if trace_id not in links:
        entity.put_metadata("linked_traces", [*links, trace_id], "hexa")


def in_current_trace(work: Callable[[], T]) -> Callable[[], T]:
    """``work`` to run on another thread as part of the caller's trace (the SDK's context is per thread)."""
    rec = recorder()
    entity = _entity(rec)
    if entity is None:
        return work

    def traced() -> T:
        rec.set_trace_entity(entity)
        try:
            return work()
        finally:
            rec.clear_trace_entities()

    return traced


@contextmanager
def annotated(name: str, **annotations: str) -> Iterator[None]:
    """Index the current trace entity by ``annotations`` (e.g. a correlation id). A Lambda facade segment
    cannot be changed, so there a subsegment ``name`` around the ``with`` body carries them."""
    rec = recorder()
    entity = _entity(rec)
    if entity is None:
        yield
        return
    from aws_xray_sdk.core.models.facade_segment import FacadeSegment

    if isinstance(entity, FacadeSegment):
        with rec.in_subsegment(name) as subsegment:
            _annotate(subsegment, annotations)
            yield
    else:
        _annotate(entity, annotations)
        yield


def _annotate(entity: Any, annotations: dict[str, str]) -> None:
    if entity is not None and entity.sampled:
        for key, value in annotations.items():
            entity.put_annotation(key, value)
