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

Deviations (intentional): the delay between attempts is ``retry_delay`` doubling up to
``max_retry_delay`` (default 4 x ``retry_delay``; Lambda's own backoff is longer and undocumented,
and a short one keeps a poison record from blocking its shard for minutes locally); ``BisectBatchOnFunctionError``
is ignored (the batch is retried whole: same records eventually, fewer invocations spent on
splitting); a partially failed batch is retried from the in-memory tail rather than re-read, so it
is not topped up with newer records; ``MaximumRecordAgeInSeconds``, ``ParallelizationFactor``,
``TumblingWindowInSeconds`` and ``FilterCriteria`` are not emulated; checkpoints live in memory,
so a restarted local cloud starts again from ``StartingPosition``.
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from .aws import Clients
from .functions import LocalFunction
from .resources import ResourceMap
from .sqs_poller import queue_url_for_arn
from .template import Template, TemplateError

__all__ = ["StreamMapping", "StreamPoller", "lambda_stream_record", "stream_mappings"]

log = logging.getLogger("hexa.local.streams")


@dataclass(frozen=True)
class StreamMapping:
    """One ``Type: DynamoDB`` event of a function, resolved."""

    function: str
    event_name: str
    stream_arn: str
    starting_position: str = "LATEST"
    batch_size: int = 100
    batching_window: float = 0.0
    max_retries: int | None = None  # None = infinite (absent or -1 in the template)
    report_batch_item_failures: bool = False
    on_failure_arn: str | None = None
    on_failure_url: str | None = None
    enabled: bool = True


def _to_epoch(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        seconds = round(value.timestamp(), 3)
        return int(seconds) if seconds.is_integer() else seconds
    return value


def _b64_binaries(value: Any) -> Any:
    """boto3 decodes ``B``/``BS`` to bytes; Lambda events carry them base64-encoded."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: _b64_binaries(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_b64_binaries(v) for v in value]
    return value


def lambda_stream_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A ``GetRecords`` record in the shape Lambda delivers (typed DynamoDB JSON kept)."""
    dynamodb = dict(record.get("dynamodb") or {})
    if "ApproximateCreationDateTime" in dynamodb:
        dynamodb["ApproximateCreationDateTime"] = _to_epoch(dynamodb["ApproximateCreationDateTime"])
    out = {
        "eventID": record.get("eventID"),
        "eventName": record.get("eventName"),
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": record.get("awsRegion"),
        "dynamodb": _b64_binaries(dynamodb),
        "eventSourceARN": stream_arn,
    }
    if "userIdentity" in record:
        out["userIdentity"] = record["userIdentity"]
    return out


def _seq(record: dict[str, Any]) -> str:
    return str(record["dynamodb"]["SequenceNumber"])


def _iso(value: Any) -> str | None:
    if isinstance(value, _dt.datetime):
        return value.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return None if value is None else str(value)


@dataclass
class _Shard:
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


class StreamPoller:
    """One thread reading one stream for one function."""

    def __init__(
        self, mapping: StreamMapping, function: LocalFunction, clients: Clients, *,
        retry_delay: float = 0.5, max_retry_delay: float | None = None, poll_interval: float = 0.05,
        shard_refresh_interval: float = 10.0,
    ) -> None:
        self.mapping = mapping
        self.function = function
        self.streams = clients("dynamodbstreams")
        self.sqs = clients("sqs")
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay if max_retry_delay is not None else retry_delay * 4
        self.poll_interval = poll_interval
        self.shard_refresh_interval = shard_refresh_interval
        self.name = f"{mapping.function}.{mapping.event_name}"
        self.batches = 0  # invocations made (for idle detection and tests)
        self._shards: dict[str, _Shard] = {}
        self._refreshed_at = 0.0
        self._stop = threading.Event()
        self._cond = threading.Condition()
        self._cycle = 0
        self._idle_cycle = -1
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> StreamPoller:
        """Open the shard iterators now (so LATEST means 'after start()'), then poll in a thread."""
        self._refresh_shards(initial=True)
        self._thread = threading.Thread(target=self._run, name=f"hexa-stream-{self.name}", daemon=True)
        self._thread.start()
        log.info("stream poller %s <- %s (%s, batch %d, retries %s)", self.name, self.mapping.stream_arn,
                 self.mapping.starting_position, self.mapping.batch_size,
                 "infinite" if self.mapping.max_retries is None else self.mapping.max_retries)
        return self

    def signal_stop(self) -> None:
        """Ask the thread to finish its current call and exit (lets a caller stop many pollers at once)."""
        self._stop.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop and join the thread (at most one in-flight receive/invocation later)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("stream poller %s did not stop within %.1fs", self.name, timeout)
            self._thread = None

    def wait_until_idle(self, timeout: float) -> bool:
        """True once a full polling pass that *started after this call* found nothing to do."""
        with self._cond:
            target = self._cycle + 1
            return self._cond.wait_for(lambda: self._idle_cycle >= target, timeout)

    def checkpoints(self) -> dict[str, str | None]:
        """Shard id -> last processed sequence number (for tests and diagnostics)."""
        return {s.shard_id: s.checkpoint for s in self._shards.values()}

    # ---------------------------------------------------------------- shards

    def _refresh_shards(self, *, initial: bool = False) -> None:
        found: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"StreamArn": self.mapping.stream_arn}
        while True:
            desc = self.streams.describe_stream(**kwargs)["StreamDescription"]
            found.extend(desc.get("Shards") or [])
            last = desc.get("LastEvaluatedShardId")
            if not last:
                break
            kwargs["ExclusiveStartShardId"] = last
        for info in found:
            shard_id = info["ShardId"]
            if shard_id in self._shards:
                continue
            shard = _Shard(shard_id, info.get("ParentShardId"))
            ended = "EndingSequenceNumber" in (info.get("SequenceNumberRange") or {})
            if initial and self.mapping.starting_position == "LATEST":
                if ended:
                    shard.closed = True  # LATEST skips shards that are already closed
                else:
                    shard.iterator = self._iterator(shard_id, "LATEST")
            else:
                shard.iterator = self._iterator(shard_id, "TRIM_HORIZON")
            self._shards[shard_id] = shard
        self._refreshed_at = time.monotonic()

    def _iterator(self, shard_id: str, kind: str, sequence: str | None = None) -> str | None:
        kwargs: dict[str, Any] = {"StreamArn": self.mapping.stream_arn, "ShardId": shard_id, "ShardIteratorType": kind}
        if sequence is not None:
            kwargs["SequenceNumber"] = sequence
        iterator = self.streams.get_shard_iterator(**kwargs).get("ShardIterator")
        return None if iterator is None else str(iterator)

    def _reopen(self, shard: _Shard) -> None:
        """Replace an expired/invalid iterator, resuming just after the checkpoint."""
        if shard.checkpoint is not None:
            shard.iterator = self._iterator(shard.shard_id, "AFTER_SEQUENCE_NUMBER", shard.checkpoint)
        else:
            kind = "TRIM_HORIZON" if self.mapping.starting_position == "TRIM_HORIZON" else "LATEST"
            if kind == "LATEST":
                log.warning("stream poller %s: iterator of %s lost before any record was processed; "
                            "reopening at LATEST", self.name, shard.shard_id)
            shard.iterator = self._iterator(shard.shard_id, kind)

    def _ready_shards(self) -> list[_Shard]:
        """Shards whose parent (if we know it) is fully processed: AWS's parent-before-child order."""
        ready = []
        for shard in self._shards.values():
            parent = self._shards.get(shard.parent_id or "")
            if parent is not None and not (parent.closed and not parent.batch):
                continue
            ready.append(shard)
        return ready

    # ---------------------------------------------------------------- loop

    def _run(self) -> None:
        backoff = 0.1
        while not self._stop.is_set():
            with self._cond:
                self._cycle += 1
                cycle = self._cycle
            try:
                if time.monotonic() - self._refreshed_at > self.shard_refresh_interval:
                    self._refresh_shards()
                worked = False
                for shard in self._ready_shards():
                    worked |= self._poll_shard(shard)
                backoff = 0.1
            except Exception:  # noqa: BLE001 - the poller must survive endpoint hiccups
                log.exception("stream poller %s: error talking to the endpoint; retrying in %.1fs", self.name, backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            pending = [s for s in self._shards.values() if s.batch]
            if not worked and not pending:
                with self._cond:
                    self._idle_cycle = cycle
                    self._cond.notify_all()
            if not worked:
                wait = self.poll_interval
                if pending:
                    wait = min(wait, max(0.0, min(s.next_attempt_at for s in pending) - time.monotonic()))
                self._stop.wait(wait)

    def _poll_shard(self, shard: _Shard) -> bool:
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

    def _read(self, shard: _Shard) -> list[dict[str, Any]]:
        if shard.iterator is None:
            return []
        records = self._get_records(shard)
        if records and self.mapping.batching_window > 0:
            window_end = time.monotonic() + self.mapping.batching_window
            while (len(records) < self.mapping.batch_size and shard.iterator is not None
                   and time.monotonic() < window_end and not self._stop.is_set()):
                more = self._get_records(shard, limit=self.mapping.batch_size - len(records))
                records.extend(more)
                if not more:
                    self._stop.wait(min(self.poll_interval, max(0.0, window_end - time.monotonic())))
        return records

    def _get_records(self, shard: _Shard, limit: int | None = None) -> list[dict[str, Any]]:
        try:
            response = self.streams.get_records(ShardIterator=shard.iterator, Limit=limit or self.mapping.batch_size)
        except ClientError as exc:
            log.info("stream poller %s: iterator of %s unusable (%s); reopening after checkpoint %s",
                     self.name, shard.shard_id, exc.response.get("Error", {}).get("Code"), shard.checkpoint)
            self._reopen(shard)
            return []
        shard.iterator = response.get("NextShardIterator")
        if shard.iterator is None:
            shard.closed = True
            self._refreshed_at = 0.0  # a closed shard means children: look for them now
        return list(response.get("Records") or [])

    # ---------------------------------------------------------------- invocation

    def _deliver(self, shard: _Shard) -> None:
        records = shard.batch
        event = {"Records": [lambda_stream_record(r, self.mapping.stream_arn) for r in records]}
        shard.attempts += 1
        self.batches += 1
        try:
            result = self.function.invoke(event)
        except Exception:  # noqa: BLE001 - a failing handler fails the batch, as in Lambda
            log.exception("%s failed on %d stream record(s) %s..%s (attempt %d)", self.mapping.function,
                          len(records), _seq(records[0]), _seq(records[-1]), shard.attempts)
            failed_index: int | None = 0
            shard.function_error = "Unhandled"
        else:
            failed_index = self._lowest_failure(result, records)
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
        delay = min(self.retry_delay * (2 ** retries_done), self.max_retry_delay)
        shard.next_attempt_at = time.monotonic() + delay
        log.warning("%s: retrying %d record(s) from %s of %s in %.2fs (attempt %d failed)", self.mapping.function,
                    len(shard.batch), _seq(shard.batch[0]), shard.shard_id, delay, shard.attempts)

    def _lowest_failure(self, result: Any, records: list[dict[str, Any]]) -> int | None:
        """Index of the lowest failed record, 0 for an invalid report, None if all succeeded."""
        if not self.mapping.report_batch_item_failures or not isinstance(result, dict):
            return None
        failures = result.get("batchItemFailures") or []
        if not failures:
            return None
        index = {_seq(r): i for i, r in enumerate(records)}
        positions = []
        for item in failures if isinstance(failures, list) else [None]:
            identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
            if not identifier or str(identifier) not in index:
                log.error("%s returned an empty or unknown itemIdentifier %r; the whole batch fails",
                          self.mapping.function, identifier)
                return 0
            positions.append(index[str(identifier)])
        return min(positions)

    def _dispose_exhausted(self, shard: _Shard) -> None:
        """Retries exhausted: describe the batch to the OnFailure destination (or log it), then skip it."""
        records = shard.batch
        first, last = _seq(records[0]), _seq(records[-1])
        if self.mapping.on_failure_url:
            self.sqs.send_message(QueueUrl=self.mapping.on_failure_url,
                                  MessageBody=json.dumps(self._failure_message(shard)))
            log.error("%s: retries exhausted after %d attempt(s); records %s..%s of %s sent to %s and skipped",
                      self.mapping.function, shard.attempts, first, last, shard.shard_id, self.mapping.on_failure_arn)
        else:
            log.error("%s: retries exhausted after %d attempt(s); SKIPPING records %s..%s of %s (no OnFailure "
                      "destination configured)", self.mapping.function, shard.attempts, first, last, shard.shard_id)
        shard.checkpoint = last
        shard.batch, shard.attempts, shard.exhausted, shard.function_error = [], 0, False, None

    def _failure_message(self, shard: _Shard) -> dict[str, Any]:
        """AWS's on-failure record for a stream batch (what lands in the destination queue)."""
        records = shard.batch
        response: dict[str, Any] = {"statusCode": 200, "executedVersion": "$LATEST"}
        if shard.function_error:
            response["functionError"] = shard.function_error
        return {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": self.function.arn,
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": shard.attempts,
            },
            "responseContext": response,
            "version": "1.0",
            "timestamp": _iso(_dt.datetime.now(_dt.UTC)),
            "DDBStreamBatchInfo": {
                "shardId": shard.shard_id,
                "startSequenceNumber": _seq(records[0]),
                "endSequenceNumber": _seq(records[-1]),
                "approximateArrivalOfFirstRecord": _iso(records[0]["dynamodb"].get("ApproximateCreationDateTime")),
                "approximateArrivalOfLastRecord": _iso(records[-1]["dynamodb"].get("ApproximateCreationDateTime")),
                "batchSize": len(records),
                "streamArn": self.mapping.stream_arn,
            },
        }


def stream_mappings(template: Template, resources: ResourceMap, clients: Clients) -> list[StreamMapping]:
    """Every ``Type: DynamoDB`` event of every function, resolved against the provisioned resources."""
    mappings = []
    for lid in template.resources_of_type("AWS::Serverless::Function"):
        for event_name, event in (template.properties(lid).get("Events") or {}).items():
            if event.get("Type") != "DynamoDB":
                continue
            where = f"{lid}.Properties.Events.{event_name}.Properties"
            props = template.resolve(event.get("Properties") or {}, resources, where=where) or {}
            position = str(props.get("StartingPosition", "LATEST"))
            if position not in ("TRIM_HORIZON", "LATEST"):
                raise TemplateError(f"{where}.StartingPosition: {position} is not supported locally "
                                    "(TRIM_HORIZON or LATEST)")
            retries = props.get("MaximumRetryAttempts")
            retries = None if retries is None or int(retries) < 0 else int(retries)
            destination = ((props.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
            url = None
            if destination:
                try:
                    url = queue_url_for_arn(str(destination), resources, clients)
                except Exception as exc:
                    raise TemplateError(f"{where}.DestinationConfig.OnFailure: only SQS destinations are "
                                        f"supported locally, and {destination!r} was not found: {exc}") from exc
            if props.get("FilterCriteria"):
                log.warning("%s: FilterCriteria is not emulated locally; every record is delivered", where)
            if props.get("BisectBatchOnFunctionError"):
                log.info("%s: BisectBatchOnFunctionError is ignored locally (failed batches are retried whole)",
                         where)
            mappings.append(StreamMapping(
                function=lid,
                event_name=event_name,
                stream_arn=str(props.get("Stream")),
                starting_position=position,
                batch_size=int(props.get("BatchSize", 100)),
                batching_window=float(props.get("MaximumBatchingWindowInSeconds", 0)),
                max_retries=retries,
                report_batch_item_failures="ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or []),
                on_failure_arn=str(destination) if destination else None,
                on_failure_url=url,
                enabled=str(props.get("Enabled", True)).lower() != "false",
            ))
    return mappings
