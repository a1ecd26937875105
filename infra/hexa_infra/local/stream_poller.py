"""Lambda's DynamoDB Streams event source mapping, emulated with Lambda's retry semantics.

Why it matters: projections and outbox relays are only correct if failures behave as in AWS, so
this poller is strict about them:

* per shard, an in-memory checkpoint (last successfully processed ``SequenceNumber``); records are
  delivered in order, a shard's children only after the shard is drained;
* a handler exception retries the whole batch; with ``ReportBatchItemFailures`` the checkpoint
  advances to just before the *lowest* failed sequence number and the batch is retried from there
  (records after it are delivered again: handlers must be idempotent, as in AWS); an empty or
  unknown ``itemIdentifier`` fails the whole batch;
* retries are counted per batch (a batch that made progress starts counting again);
  ``MaximumRetryAttempts`` absent or -1 means retry forever; once exhausted, the batch is described
  to ``DestinationConfig.OnFailure`` (an SQS queue) with AWS's message shape and skipped, or, without
  a destination, skipped with an ERROR log naming the range. Nothing is ever skipped silently.

Deviations (intentional): the delay between attempts is ``retry_delay`` doubling up to ``max_retry_delay``
(default 4 x ``retry_delay``; Lambda's own backoff is longer and undocumented, and a short one keeps a
poison record from blocking its shard for minutes locally); ``BisectBatchOnFunctionError`` is ignored (the
batch is retried whole: same records eventually, fewer invocations spent on splitting); a partially failed
batch is retried from the in-memory tail rather than re-read, so it is not topped up with newer records;
``MaximumRecordAgeInSeconds``, ``ParallelizationFactor``, ``TumblingWindowInSeconds`` and
``FilterCriteria`` are not emulated; checkpoints live in memory, so a restarted local cloud starts again
from ``StartingPosition``.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any


from .aws import Clients
from .event_sources import StreamMapping, stream_mappings
from .functions import LocalFunction
from .poller_thread import PollerThread
from .stream_shards import Shard, StreamShards
from .stream_records import failure_record, lambda_stream_record, lowest_failure, stream_event
from .stream_records import sequence_number as _seq
from .stream_signal import StreamSignal, table_of

__all__ = ["StreamMapping", "StreamPoller", "lambda_stream_record", "stream_mappings"]

log = logging.getLogger("hexa.local.streams")


class StreamPoller(PollerThread[StreamMapping]):
    """One thread reading one stream for one function."""

    kind = "stream poller"
    thread_prefix = "hexa-stream"
    logger = log

    def __init__(
        self,
        mapping: StreamMapping,
        function: LocalFunction,
        clients: Clients,
        *,
        retry_delay: float = 0.5,
        max_retry_delay: float | None = None,
        poll_interval: float = 0.05,
        shard_refresh_interval: float = 10.0,
        wakeup: StreamSignal | None = None,
        idle_interval: float = 1.0,
    ) -> None:
        super().__init__(mapping, function)
        self.streams = clients("dynamodbstreams")
        self.sqs = clients("sqs")
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay if max_retry_delay is not None else retry_delay * 4
        self.poll_interval = poll_interval
        self.shard_refresh_interval = shard_refresh_interval
        # with an in-process emulator, sleep until it appends a record (fallback: idle_interval)
        self.wakeup = wakeup
        self.idle_interval = idle_interval
        self._table = table_of(mapping.stream_arn)
        self.shards = StreamShards(self.streams, mapping, self.name)
        self._cond = threading.Condition()
        self._cycle = 0
        self._idle_cycle = -1

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> StreamPoller:
        """Open the shard iterators now (so LATEST means 'after start()'), then poll in a thread."""
        self.shards.refresh(initial=True)
        self._start_thread()
        log.info(
            "stream poller %s <- %s (%s, batch %d, retries %s)",
            self.name,
            self.mapping.stream_arn,
            self.mapping.starting_position,
            self.mapping.batch_size,
            "infinite" if self.mapping.max_retries is None else self.mapping.max_retries,
        )
        return self

    def wait_until_idle(self, timeout: float) -> bool:
        """True once a full polling pass that *started after this call* found nothing to do."""
        with self._cond:
            target = self._cycle + 1
        self._wake()  # a poller asleep on the emulator's signal starts that pass now, not in idle_interval
        with self._cond:
            return self._cond.wait_for(lambda: self._idle_cycle >= target, timeout)

    def oldest_pending_age(self) -> float:
        """Seconds since the oldest record read but not yet handled successfully was written (0 when none):
        a failing or slow function shows here at once (Lambda's IteratorAge, locally)."""
        now, oldest = time.time(), 0.0
        for shard in list(self.shards.by_id.values()):
            batch = shard.batch
            created = batch[0].get("dynamodb", {}).get("ApproximateCreationDateTime") if batch else None
            if created is not None:
                stamp = created.timestamp() if hasattr(created, "timestamp") else float(created)
                oldest = max(oldest, now - stamp)
        return oldest

    def checkpoints(self) -> dict[str, str | None]:
        """Shard id -> last processed sequence number (for tests and diagnostics)."""
        return {s.shard_id: s.checkpoint for s in self.shards.by_id.values()}

    def _wake(self) -> None:
        if self.wakeup is not None:
            self.wakeup.notify(self._table)

    # ---------------------------------------------------------------- loop

    def _poll_once(self) -> None:
        """One pass over the ready shards; an idle pass (nothing read, nothing pending) wakes waiters."""
        with self._cond:
            self._cycle += 1
            cycle = self._cycle
        seen = (
            self.wakeup.generation(self._table) if self.wakeup is not None else 0
        )  # read first: no lost wakeup
        if time.monotonic() - self.shards.refreshed_at > self.shard_refresh_interval:
            self.shards.refresh()
        worked = False
        for shard in self.shards.ready():
            worked |= self._poll_shard(shard)
        pending = [s for s in self.shards.by_id.values() if s.batch]
        if not worked and not pending:
            with self._cond:
                self._idle_cycle = cycle
                self._cond.notify_all()
        if not worked:
            if pending:
                self._stop.wait(
                    min(
                        self.poll_interval,
                        max(0.0, min(s.next_attempt_at for s in pending) - time.monotonic()),
                    )
                )
            elif self.wakeup is not None:
                self.wakeup.wait(self._table, seen, self.idle_interval)
            else:
                self._stop.wait(self.poll_interval)

    def _poll_shard(self, shard: Shard) -> bool:
        """Deliver the shard's pending or next batch; True if the function was invoked."""
        if shard.exhausted:
            self._dispose_exhausted(shard)
            return True
        if not shard.batch:
            records = self._read(shard)
            if not records:
                return False
            shard.batch, shard.attempts = records, 0
        elif time.monotonic() < shard.next_attempt_at:
            return False
        self._deliver(shard)
        return True

    def _read(self, shard: Shard) -> list[dict[str, Any]]:
        if shard.iterator is None:
            return []
        records = self.shards.get_records(shard)
        if records and self.mapping.batching_window > 0:
            window_end = time.monotonic() + self.mapping.batching_window
            while (
                len(records) < self.mapping.batch_size
                and shard.iterator is not None
                and time.monotonic() < window_end
                and not self._stop.is_set()
            ):
                more = self.shards.get_records(shard, limit=self.mapping.batch_size - len(records))
                records.extend(more)
                if not more:
                    self._stop.wait(min(self.poll_interval, max(0.0, window_end - time.monotonic())))
        return records

    # ---------------------------------------------------------------- invocation

    def _deliver(self, shard: Shard) -> None:
        records = shard.batch
        event = stream_event(records, self.mapping.stream_arn)
        shard.attempts += 1
        self.batches += 1
        try:
            result = self.function.invoke(event)
        except Exception:  # noqa: BLE001 - a failing handler fails the batch, as in Lambda
            log.exception(
                "%s failed on %d stream record(s) %s..%s (attempt %d)",
                self.mapping.function,
                len(records),
                _seq(records[0]),
                _seq(records[-1]),
                shard.attempts,
            )
            failed_index: int | None = 0
            shard.function_error = "Unhandled"
        else:
            failed_index = lowest_failure(
                result, records, self.mapping.report_batch_item_failures, self.mapping.function
            )
            shard.function_error = None
        if failed_index is None:
            shard.checkpoint = _seq(records[-1])
            shard.batch, shard.attempts = [], 0
            return
        if failed_index > 0:  # progress: checkpoint before the lowest failure, retry from there
            shard.checkpoint = _seq(records[failed_index - 1])
            shard.batch = records[failed_index:]
            shard.attempts = 1
        retries_done = shard.attempts - 1
        if self.mapping.max_retries is not None and retries_done >= self.mapping.max_retries:
            shard.exhausted = True
            self._dispose_exhausted(shard)
            return
        delay = min(self.retry_delay * (2**retries_done), self.max_retry_delay)
        shard.next_attempt_at = time.monotonic() + delay
        log.warning(
            "%s: retrying %d record(s) from %s of %s in %.2fs (attempt %d failed)",
            self.mapping.function,
            len(shard.batch),
            _seq(shard.batch[0]),
            shard.shard_id,
            delay,
            shard.attempts,
        )

    def _dispose_exhausted(self, shard: Shard) -> None:
        """Retries exhausted: describe the batch to the OnFailure destination (or log it), then skip it."""
        records = shard.batch
        first, last = _seq(records[0]), _seq(records[-1])
        if self.mapping.on_failure_url:
            message = failure_record(
                function_arn=self.function.arn,
                stream_arn=self.mapping.stream_arn,
                shard_id=shard.shard_id,
                records=records,
                attempts=shard.attempts,
                function_error=shard.function_error,
            )
            self.sqs.send_message(QueueUrl=self.mapping.on_failure_url, MessageBody=json.dumps(message))
            log.error(
                "%s: retries exhausted after %d attempt(s); records %s..%s of %s sent to %s and skipped",
                self.mapping.function,
                shard.attempts,
                first,
                last,
                shard.shard_id,
                self.mapping.on_failure_arn,
            )
        else:
            log.error(
                "%s: retries exhausted after %d attempt(s); SKIPPING records %s..%s of %s (no OnFailure "
                "destination configured)",
                self.mapping.function,
                shard.attempts,
                first,
                last,
                shard.shard_id,
            )
        shard.checkpoint = last
        shard.batch, shard.attempts, shard.exhausted, shard.function_error = [], 0, False, None
