"""A DynamoDB stream's shards as Lambda reads them: discovered, each with its iterator and checkpoint,
parents drained before their children, an expired iterator reopened just after the checkpoint."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from .event_sources import StreamMapping

log = logging.getLogger("hexa.local.streams")


@dataclass
class Shard:
    shard_id: str
    parent_id: str | None
    iterator: str | None = None
    checkpoint: str | None = None
    batch: list[dict[str, Any]] = field(default_factory=list)
    attempts: int = 0
    function_error: str | None = None  # "Unhandled" if the last attempt raised
    next_attempt_at: float = 0.0
    exhausted: bool = False
    closed: bool = False  # no more records will ever come (NextShardIterator was null)


class StreamShards:
    """Every shard of one mapping's stream, refreshed as shards close and children appear."""

    def __init__(self, streams: Any, mapping: StreamMapping, name: str) -> None:
        self._streams, self._mapping, self._name = streams, mapping, name
        self.by_id: dict[str, Shard] = {}
        self.refreshed_at = 0.0

    def refresh(self, *, initial: bool = False) -> None:
        found: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"StreamArn": self._mapping.stream_arn}
        while True:
            desc = self._streams.describe_stream(**kwargs)["StreamDescription"]
            found.extend(desc.get("Shards") or [])
            last = desc.get("LastEvaluatedShardId")
            if not last:
                break
            kwargs["ExclusiveStartShardId"] = last
        for info in found:
            shard_id = info["ShardId"]
            if shard_id in self.by_id:
                continue
            shard = Shard(shard_id, info.get("ParentShardId"))
            ended = "EndingSequenceNumber" in (info.get("SequenceNumberRange") or {})
            if initial and self._mapping.starting_position == "LATEST":
                if ended:
                    shard.closed = True  # LATEST skips shards that are already closed
                else:
                    shard.iterator = self._iterator(shard_id, "LATEST")
            else:
                shard.iterator = self._iterator(shard_id, "TRIM_HORIZON")
            self.by_id[shard_id] = shard
        self.refreshed_at = time.monotonic()

    def _iterator(self, shard_id: str, kind: str, sequence: str | None = None) -> str | None:
        kwargs: dict[str, Any] = {
            "StreamArn": self._mapping.stream_arn,
            "ShardId": shard_id,
            "ShardIteratorType": kind,
        }
        if sequence is not None:
            kwargs["SequenceNumber"] = sequence
        iterator = self._streams.get_shard_iterator(**kwargs).get("ShardIterator")
        return None if iterator is None else str(iterator)

    def reopen(self, shard: Shard) -> None:
        """Replace an expired/invalid iterator, resuming just after the checkpoint."""
        if shard.checkpoint is not None:
            shard.iterator = self._iterator(shard.shard_id, "AFTER_SEQUENCE_NUMBER", shard.checkpoint)
        else:
            kind = "TRIM_HORIZON" if self._mapping.starting_position == "TRIM_HORIZON" else "LATEST"
            if kind == "LATEST":
                log.warning(
                    "stream poller %s: iterator of %s lost before any record was processed; "
                    "reopening at LATEST",
                    self._name,
                    shard.shard_id,
                )
            shard.iterator = self._iterator(shard.shard_id, kind)

    def ready(self) -> list[Shard]:
        """Shards whose parent (if we know it) is fully processed: AWS's parent-before-child order."""
        ready = []
        for shard in self.by_id.values():
            parent = self.by_id.get(shard.parent_id or "")
            if parent is not None and not (parent.closed and not parent.batch):
                continue
            ready.append(shard)
        return ready

    def get_records(self, shard: Shard, limit: int | None = None) -> list[dict[str, Any]]:
        try:
            response = self._streams.get_records(
                ShardIterator=shard.iterator, Limit=limit or self._mapping.batch_size
            )
        except ClientError as exc:
            log.info(
                "stream poller %s: iterator of %s unusable (%s); reopening after checkpoint %s",
                self._name,
                shard.shard_id,
                exc.response.get("Error", {}).get("Code"),
                shard.checkpoint,
            )
            self.reopen(shard)
            return []
        shard.iterator = response.get("NextShardIterator")
        if shard.iterator is None:
            shard.closed = True
            self.refreshed_at = 0.0  # a closed shard means children: look for them now
        return list(response.get("Records") or [])
