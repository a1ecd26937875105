"""Lambda's SQS event source mapping, emulated: poll a queue, invoke a function, delete or retry.

Semantics follow Lambda:

* the event is Lambda's SQS event (``Records`` with ``messageId``, ``receiptHandle``, ``body``,
  ``attributes``, ``messageAttributes`` in Lambda's camelCase shape, ``md5OfBody``, ``eventSource``,
  ``eventSourceARN``, ``awsRegion``);
* a handler exception fails every message of the batch; a normal return deletes them all;
* with ``ReportBatchItemFailures`` the handler returns ``{"batchItemFailures": [{"itemIdentifier":
  <messageId>}]}``: the others are deleted, the listed ones retried; an empty or unknown
  ``itemIdentifier`` fails the whole batch;
* redrive to the DLQ after ``maxReceiveCount`` receives is the queue's own ``RedrivePolicy``,
  applied by the endpoint on receive; it is deliberately not reimplemented here.
* X-Ray: the invocation continues the trace of the batch's first record with an ``AWSTraceHeader``
  (the other records' traces are linked in its metadata), so a consumer shows up under its producer.
  Lambda instead starts its own trace and *links* the producers' (AWS X-Ray trace linking).

Deviation (documented, intentional): Lambda leaves a failed message invisible until the queue's
``VisibilityTimeout`` expires (90 s in our template). Locally a failed message is made visible
again after ``retry_delay`` seconds with ``ChangeMessageVisibility``, so retries and DLQ
redrive happen in well under a second instead of minutes. While such a retry is pending the poller
short-polls (moto's long poll only wakes on *new* messages, not on visibility changes).
Not emulated: FIFO group ordering across batches, ``ScalingConfig``/``MaximumConcurrency``
(one poller thread per mapping, batches are processed one at a time), ``FilterCriteria``.
"""

from __future__ import annotations

import base64
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from .aws import Clients
from .event_sources import SqsMapping, queue_url_for_arn, sqs_mappings
from .functions import LocalFunction
from .poller_thread import PollerThread
from .tracing import Traced

__all__ = [
    "SqsMapping",
    "SqsPoller",
    "batch_trace",
    "failed_message_ids",
    "queue_url_for_arn",
    "sqs_event",
    "sqs_mappings",
]

log = logging.getLogger("hexa.local.sqs")

_LAMBDA_ATTRIBUTES = (
    "ApproximateReceiveCount",
    "SentTimestamp",
    "SenderId",
    "ApproximateFirstReceiveTimestamp",
    "SequenceNumber",
    "MessageGroupId",
    "MessageDeduplicationId",
    "AWSTraceHeader",
)


def _lambda_message_attributes(attributes: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in (attributes or {}).items():
        binary = value.get("BinaryValue")
        out[name] = {
            "stringValue": value.get("StringValue"),
            "binaryValue": base64.b64encode(binary).decode() if isinstance(binary, bytes) else binary,
            "stringListValues": list(value.get("StringListValues") or []),
            "binaryListValues": [
                base64.b64encode(b).decode() if isinstance(b, bytes) else b
                for b in value.get("BinaryListValues") or []
            ],
            "dataType": value.get("DataType"),
        }
    return out


def sqs_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """Lambda's SQS event for messages as returned by ``ReceiveMessage``."""
    records = []
    for message in messages:
        attributes = message.get("Attributes") or {}
        records.append(
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message.get("Body", ""),
                "attributes": {k: attributes[k] for k in _LAMBDA_ATTRIBUTES if k in attributes},
                "messageAttributes": _lambda_message_attributes(message.get("MessageAttributes") or {}),
                "md5OfBody": message.get("MD5OfBody"),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
        )
    return {"Records": records}


def batch_trace(event: dict[str, Any]) -> Traced:
    """Continue the first record's trace; link the other records' traces."""
    headers = list(dict.fromkeys(h for r in event["Records"] if (h := r["attributes"].get("AWSTraceHeader"))))
    return Traced(header=headers[0], links=tuple(headers[1:])) if headers else Traced()


def failed_message_ids(result: Any, message_ids: list[str], report: bool) -> list[str]:
    """Which messages failed, given the handler's return value (Lambda's rules)."""
    if not report or not isinstance(result, dict):
        return []
    failures = result.get("batchItemFailures") or []
    if not isinstance(failures, list):
        log.error("batchItemFailures is not a list; the whole batch fails")
        return list(message_ids)
    failed: list[str] = []
    for item in failures:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not identifier or identifier not in message_ids:
            log.error(
                "batchItemFailures has an empty or unknown itemIdentifier %r; the whole batch fails",
                identifier,
            )
            return list(message_ids)
        failed.append(identifier)
    return failed


@dataclass
class _PendingRetry:
    due: float
    receipt_handles: list[str] = field(default_factory=list)


class SqsPoller(PollerThread[SqsMapping]):
    """One thread polling one queue for one function."""

    kind = "SQS poller"
    thread_prefix = "hexa-sqs"
    logger = log

    def __init__(
        self,
        mapping: SqsMapping,
        function: LocalFunction,
        clients: Clients,
        *,
        retry_delay: float = 0.5,
        short_poll_interval: float = 0.02,
    ) -> None:
        super().__init__(mapping, function)
        self.sqs = clients("sqs")
        self.region = clients.region
        self.retry_delay = retry_delay
        self.short_poll_interval = short_poll_interval
        self._busy = False
        self._pending: list[_PendingRetry] = []

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> SqsPoller:
        self._start_thread()
        log.info(
            "SQS poller %s <- %s (batch %d%s)",
            self.name,
            self.mapping.queue_url,
            self.mapping.batch_size,
            ", ReportBatchItemFailures" if self.mapping.report_batch_item_failures else "",
        )
        return self

    def is_idle(self) -> bool:
        """Nothing visible, in flight or delayed in the queue, and no batch being processed."""
        if self._busy or self._pending:
            return False
        attrs = self.sqs.get_queue_attributes(
            QueueUrl=self.mapping.queue_url,
            AttributeNames=[
                "ApproximateNumberOfMessages",
                "ApproximateNumberOfMessagesNotVisible",
                "ApproximateNumberOfMessagesDelayed",
            ],
        )["Attributes"]
        return not self._busy and not self._pending and all(int(v) == 0 for v in attrs.values())

    def wait_until_idle(self, timeout: float) -> bool:
        """Poll :meth:`is_idle` until it holds (True) or ``timeout`` passes (False)."""
        deadline = time.monotonic() + timeout
        while not self.is_idle():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
        return True

    # ---------------------------------------------------------------- loop

    def _poll_once(self) -> None:
        self._release_due_retries()
        messages = self._receive()
        if messages:
            self._process(messages)
        elif self._pending:
            self._stop.wait(min(self.short_poll_interval, max(0.0, self._next_due() - time.monotonic())))

    def _after_error(self) -> None:
        self._busy = False

    def _receive(self) -> list[dict[str, Any]]:
        """One batch: up to BatchSize messages, gathered for at most MaximumBatchingWindowInSeconds."""
        messages: list[dict[str, Any]] = []
        deadline = 0.0
        while not self._stop.is_set() and len(messages) < self.mapping.batch_size:
            if messages:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                wait = min(1, int(remaining))
            else:
                wait = 0 if self._pending else 1  # long polls don't wake on visibility changes
            got = self.sqs.receive_message(
                QueueUrl=self.mapping.queue_url,
                MaxNumberOfMessages=min(self.mapping.batch_size - len(messages), 10),
                WaitTimeSeconds=wait,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not messages:
                if not got:
                    return []
                deadline = time.monotonic() + self.mapping.batching_window
            self._busy = True
            messages.extend(got)
            if self.mapping.batching_window <= 0:
                break
            if not got:
                self._stop.wait(min(self.short_poll_interval, max(0.0, deadline - time.monotonic())))
        return messages

    def _process(self, messages: list[dict[str, Any]]) -> None:
        self._busy = True
        try:
            ids = [m["MessageId"] for m in messages]
            event = sqs_event(messages, self.mapping.queue_arn, self.region)
            self.batches += 1
            try:
                result = self.function.invoke(event, traced=batch_trace(event))
            except Exception:  # noqa: BLE001 - a failing handler fails the batch, as in Lambda
                log.exception(
                    "%s failed on a batch of %d message(s) from %s; all will be retried",
                    self.mapping.function,
                    len(ids),
                    self.mapping.queue_arn,
                )
                failed = list(ids)
            else:
                failed = failed_message_ids(result, ids, self.mapping.report_batch_item_failures)
                if failed:
                    log.warning(
                        "%s reported %d of %d message(s) failed", self.mapping.function, len(failed), len(ids)
                    )
            by_id = {m["MessageId"]: m["ReceiptHandle"] for m in messages}
            failed_set = set(failed)
            succeeded = [i for i in ids if i not in failed_set]
            self._delete(succeeded, by_id)
            if failed:
                self._pending.append(
                    _PendingRetry(time.monotonic() + self.retry_delay, [by_id[i] for i in failed])
                )
        finally:
            self._busy = False

    def _delete(self, ids: list[str], receipt_by_id: dict[str, str]) -> None:
        for start in range(0, len(ids), 10):
            chunk = ids[start : start + 10]
            entries = [{"Id": str(n), "ReceiptHandle": receipt_by_id[i]} for n, i in enumerate(chunk)]
            result = self.sqs.delete_message_batch(QueueUrl=self.mapping.queue_url, Entries=entries)
            for failure in result.get("Failed") or []:
                log.error("SQS poller %s: could not delete a message: %s", self.name, failure)

    def _next_due(self) -> float:
        return min((p.due for p in self._pending), default=time.monotonic())

    def _release_due_retries(self) -> None:
        """Make failed messages visible again once their retry delay has passed."""
        now = time.monotonic()
        due = [p for p in self._pending if p.due <= now]
        if not due:
            return
        for pending in due:
            handles = pending.receipt_handles
            for start in range(0, len(handles), 10):
                entries = [
                    {"Id": str(n), "ReceiptHandle": h, "VisibilityTimeout": 0}
                    for n, h in enumerate(handles[start : start + 10])
                ]
                result = self.sqs.change_message_visibility_batch(
                    QueueUrl=self.mapping.queue_url, Entries=entries
                )
                for failure in result.get("Failed") or []:
                    log.warning("SQS poller %s: could not reset visibility: %s", self.name, failure)
            self._pending.remove(pending)
