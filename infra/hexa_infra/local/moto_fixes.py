"""Fixes for the embedded emulator (moto 5.2.x, in-process), applied before it starts serving.

**Cancelled transactions break DynamoDB streams, and every transaction copies whole tables.**
moto makes ``TransactWriteItems`` atomic by deep-copying every table it touches before starting and
swapping the copies in when it is cancelled. That has two consequences for us:

1. Stream records the transaction appended before failing stay in the *old* table's shard, and
   every open shard iterator (our pollers hold them) keeps reading that orphaned shard: a phantom
   record of an event that was never stored is delivered, and later writes are never seen.
   Cancelled transactions are routine here (version conflicts, duplicate emails, idempotent
   redeliveries), so the local cloud would lose its streams to them.
2. The deep copy costs O(table size) of pure-Python work per transaction, under the GIL that the
   gateway and the handlers share: with a few hundred partners, registering one took ~360 ms p50.

The fix snapshots only the items the transaction names (by key), lets moto run with a ``copy``
stand-in that does not copy ``Table`` objects (so its own rollback is a no-op), and on cancellation
restores exactly those items and truncates each touched stream shard to its pre-transaction length.
A lock shared with stream reads means no poller observes a record while a transaction that may
still be cancelled is in flight. Proven by ``tests/integration/test_emulator_transactions.py``.

**Every request lists moto's package folder.** The server's dispatcher decides which backend serves
a request by checking ``host in list_of_moto_modules()``, a generator that runs ``os.listdir`` and
~150 ``os.path.isdir`` calls — on every request, inside the dispatcher's global lock. The folder
does not change while the process runs, so the list is computed once.

**Stream readers can only poll.** Every appended stream record also notifies
:data:`stream_signal.EMULATOR_STREAMS`, so the local stream pollers sleep until there is work.

**EventBridge drops X-Ray trace headers.** EventBridge hands a PutEvents entry's ``TraceHeader``
(else the request's ``X-Amzn-Trace-Id``; malformed ones are dropped) to the targets, and an SQS
target's message carries it as the ``AWSTraceHeader`` system attribute, never in the body. moto ignores
both, so a consumer could never join its producer's trace. The fix puts entries one at a time with
their header in a thread-local, and an SQS message sent meanwhile (by a rule's target) carries it.
Proven by ``tests/integration/test_trace_headers.py``.

**Item responses are serialised one attribute lookup at a time.** moto's JSON serializer walks the
botocore shape of every ``AttributeValue`` of every item (ten candidate members, each looked up
through an alias-aware picker): answering a 50-item Query took ~85 ms, 90 % of it there, which made
every listing slow. An attribute value is already in its wire form (``{"S": "x"}``), so it is written
directly; anything unusual (binary values, an unknown type) still takes moto's own path. Proven equal
to moto's output for every attribute type by ``tests/integration/test_emulator_serialization.py``.

**moto keeps every model instance it ever creates.** ``BaseModel.__new__`` appends each instance to
its class's ``instances_tracked`` list, read only by moto's dashboard (``/moto-api/data.json``) and
S3's reset. DynamoDB answers every Query with fresh ``Item`` copies, so each listing leaked its
items (50 per 50-item Query) and every SQS message and stream record stayed alive too: memory grew
without bound and each full garbage collection re-scanned all of it, which measured 200-600 ms
pauses that stalled the whole local cloud. Instances are no longer tracked (the dashboard's data
view is empty; we do not use S3). Proven by ``tests/integration/test_emulator_serialization.py``.
"""

from __future__ import annotations

import copy
import functools
import re
import threading
from typing import Any

_LOCK = threading.RLock()
_applied = False
_TRACE = threading.local()
_VALID_TRACE_HEADER = re.compile(r"(^|;)Root=1-[0-9a-f]{8}-[0-9a-f]{24}(;|$)")


class _TableKeepingCopy:
    """Stands in for the ``copy`` module inside ``moto.dynamodb.models``: tables are not copied."""

    def __init__(self, table_type: type) -> None:
        self._table_type = table_type

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, self._table_type) else copy.deepcopy(value, memo)


def _snapshot(backend: Any, operation: dict[str, Any]) -> tuple[Any, Any, Any, Any] | None:
    """(table, hash key, range key, deep copy of the current item or None) for one write."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    ((kind, body),) = operation.items()
    if kind == "ConditionCheck":
        return None
    try:
        table = backend.get_table(body["TableName"])
        key = body.get("Key") or body["Item"]
        hash_key = DynamoType(key[table.hash_key_attr])
        range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
        current = table.get_item(hash_key, range_key)
    except Exception:  # noqa: BLE001 - an invalid operation is refused by moto before it writes
        return None
    return table, hash_key, range_key, copy.deepcopy(current) if current is not None else None


def _restore(table: Any, hash_key: Any, range_key: Any, previous: Any) -> None:
    if range_key is not None:
        if previous is None:
            table.items.get(hash_key, {}).pop(range_key, None)
        else:
            table.items[hash_key][range_key] = previous
    elif previous is None:
        table.items.pop(hash_key, None)
    else:
        table.items[hash_key] = previous


def _valid_trace_header(header: str | None) -> str | None:
    return header if header and _VALID_TRACE_HEADER.search(header) else None


def _carry_trace_headers() -> None:
    from moto.events.models import EventsBackend
    from moto.events.responses import EventsHandler
    from moto.sqs.models import SQSBackend

    original_put, original_respond = EventsBackend.put_events, EventsHandler.put_events
    original_send = SQSBackend.send_message

    @functools.wraps(original_respond)
    def respond(self: Any) -> str:
        _TRACE.header = _valid_trace_header(self.headers.get("X-Amzn-Trace-Id"))
        try:
            return original_respond(self)
        finally:
            _TRACE.header = None

    @functools.wraps(original_put)
    def put_events(self: Any, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(events) > 10:
            return original_put(self, events)  # moto's own validation error
        outer = getattr(_TRACE, "header", None)
        results: list[dict[str, Any]] = []
        for entry in events:
            _TRACE.header = _valid_trace_header(entry.get("TraceHeader")) or outer
            try:
                results += original_put(self, [entry])
            finally:
                _TRACE.header = outer
        return results

    @functools.wraps(original_send)
    def send_message(self: Any, *args: Any, **kwargs: Any) -> Any:
        header = getattr(_TRACE, "header", None)
        if header and not kwargs.get("system_attributes"):
            kwargs["system_attributes"] = {"AWSTraceHeader": {"StringValue": header, "DataType": "String"}}
        return original_send(self, *args, **kwargs)

    EventsHandler.put_events = respond
    EventsBackend.put_events = put_events
    SQSBackend.send_message = send_message


_PLAIN_TYPES = frozenset({"S", "N", "BOOL", "NULL", "SS", "NS"})


def _attribute_json(value: Any) -> dict[str, Any] | None:
    """A DynamoDB attribute value (moto's ``DynamoType`` or its dict form) as wire JSON; None = not plain."""
    if isinstance(value, dict):
        if len(value) != 1:
            return None
        kind, inner = next(iter(value.items()))
    else:
        kind, inner = getattr(value, "type", None), getattr(value, "value", None)
    if kind in _PLAIN_TYPES:
        return {kind: list(inner) if kind in ("SS", "NS") else inner}
    if kind == "M" and isinstance(inner, dict):
        members = {name: _attribute_json(member) for name, member in inner.items()}
        return None if any(m is None for m in members.values()) else {"M": members}
    if kind == "L" and isinstance(inner, list):
        items = [_attribute_json(item) for item in inner]
        return None if any(i is None for i in items) else {"L": items}
    return None


def _serialize_attribute_values_directly() -> None:
    from moto.core.serialize import BaseJSONSerializer

    original = BaseJSONSerializer._serialize_type_structure

    @functools.wraps(original)
    def serialize_structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if key and shape.name == "AttributeValue":
            wire = _attribute_json(value)
            if wire is not None:
                self._default_serialize(serialized, wire, shape, key)
                return
        original(self, serialized, value, shape, key)

    BaseJSONSerializer._serialize_type_structure = serialize_structure


def _stop_tracking_instances() -> None:
    from moto.core.common_models import BaseModel

    def untracked_new(cls: type, *args: Any, **kwargs: Any) -> Any:
        return super(BaseModel, cls).__new__(cls)

    BaseModel.__new__ = untracked_new  # type: ignore[method-assign,assignment]


def apply() -> None:
    global _applied
    if _applied:
        return
    import moto.backends as moto_backends
    import moto.dynamodb.models as dynamodb_models
    from moto.dynamodb.models.table import Table
    from moto.dynamodb.models.table import StreamShard
    from moto.dynamodbstreams.models import ShardIterator

    from .stream_signal import EMULATOR_STREAMS

    modules = tuple(moto_backends.list_of_moto_modules())
    moto_backends.list_of_moto_modules = lambda: modules  # type: ignore[assignment]
    dynamodb_models.copy = _TableKeepingCopy(Table)  # type: ignore[assignment]
    original_transact = dynamodb_models.DynamoDBBackend.transact_write_items
    original_get = ShardIterator.get

    @functools.wraps(original_transact)
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        with _LOCK:
            snapshots = [s for s in (_snapshot(self, op) for op in transact_items) if s is not None]
            shards = {
                id(t): (t.stream_shard, len(t.stream_shard.items))
                for t, *_ in snapshots
                if getattr(t, "stream_shard", None) is not None
            }
            try:
                return original_transact(self, transact_items)
            except Exception:
                for table, hash_key, range_key, previous in reversed(snapshots):
                    _restore(table, hash_key, range_key, previous)
                for shard, length in shards.values():
                    del shard.items[length:]
                raise

    @functools.wraps(original_get)
    def get(self: Any, limit: int = 1000) -> dict[str, Any]:
        with _LOCK:
            return original_get(self, limit)

    original_add = StreamShard.add

    @functools.wraps(original_add)
    def add(self: Any, old: Any, new: Any) -> None:
        original_add(self, old, new)
        EMULATOR_STREAMS.notify(self.table.name)  # readable once the transaction commits (lock above)

    dynamodb_models.DynamoDBBackend.transact_write_items = transact_write_items
    ShardIterator.get = get
    StreamShard.add = add
    _carry_trace_headers()
    _serialize_attribute_values_directly()
    _stop_tracking_instances()
    _applied = True
