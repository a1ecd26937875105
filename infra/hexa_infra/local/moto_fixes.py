"""Fixes for the embedded emulator (moto 5.2.x, in-process), applied before it starts serving.

**Cancelled transactions break DynamoDB streams.** moto rolls a cancelled ``TransactWriteItems``
back by swapping each touched ``Table`` object for a deep copy taken before the transaction. The
records the transaction appended before failing stay in the *old* table's stream shard, and every
open shard iterator (our stream pollers hold them) keeps reading that orphaned shard — so a phantom
record of an event that was never stored is delivered, and every later write is invisible to the
pollers. Cancelled transactions are routine here (version conflicts, duplicate emails, idempotent
redeliveries), so the local cloud must not lose its streams to them.

The fix keeps moto's rollback but restores it *in place*: the original ``Table`` object takes back
the pre-transaction state, its stream shard keeps its identity and is truncated to its
pre-transaction length. A lock shared with stream reads means no poller can observe a record while a
transaction that may still be cancelled is in flight. Measured by
``tests/integration/test_emulator_transactions.py``.
"""
from __future__ import annotations

import functools
import threading
from typing import Any

_LOCK = threading.RLock()
_applied = False


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodbstreams.models import ShardIterator

    original_transact = DynamoDBBackend.transact_write_items
    original_get = ShardIterator.get

    @functools.wraps(original_transact)
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        with _LOCK:
            tables_before = dict(self.tables)
            shard_lengths = {name: len(t.stream_shard.items) for name, t in tables_before.items()
                             if getattr(t, "stream_shard", None) is not None}
            try:
                return original_transact(self, transact_items)
            except Exception:
                for name, current in list(self.tables.items()):
                    before = tables_before.get(name)
                    if before is None or current is before:
                        continue
                    shard = before.stream_shard
                    before.__dict__.update({k: v for k, v in current.__dict__.items() if k != "stream_shard"})
                    if shard is not None:
                        del shard.items[shard_lengths.get(name, len(shard.items)):]
                    self.tables[name] = before
                raise

    @functools.wraps(original_get)
    def get(self: Any, limit: int = 1000) -> dict[str, Any]:
        with _LOCK:
            return original_get(self, limit)

    DynamoDBBackend.transact_write_items = transact_write_items
    ShardIterator.get = get
    _applied = True
