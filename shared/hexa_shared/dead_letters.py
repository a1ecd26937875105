"""Dead letters with their reason: a message a consumer refuses goes to its queue's DLQ *now*, saying why.

SQS's own redrive moves a message to the DLQ after ``maxReceiveCount`` receives, silently: the DLQ
then holds a body and no reason. A consumer that knows a message can never succeed (it fails its
schema) should not spend five receives on it, and one that gives up on the last receive knows the
error. :class:`DeadLetters` finds the DLQ and the receive limit from the source queue's own
``RedrivePolicy`` (no configuration to drift from the template) and sends the message there, body
untouched, with the reason in message attributes; ``hexa dlq peek`` shows them, ``hexa dlq redrive``
sends the body back without them.

Stream functions have no source queue: they *park* a record they can never process in their
``OnFailure`` destination queue (named by an environment variable), with the whole record, so it can be
looked at and replayed (``hexa dlq redrive``), while the records behind it go on.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from hexa_shared.clock import now_iso

REASON, CONSUMER, FAILED_AT, KIND = (
    "hexa.failure.reason",
    "hexa.failure.consumer",
    "hexa.failure.at",
    "hexa.failure.kind",
)
RECEIVES = "hexa.failure.receives"
FAILURE_ATTRIBUTES = (REASON, CONSUMER, FAILED_AT, KIND, RECEIVES)
MAX_REASON = 1000
MAX_MESSAGE_BYTES = 250 * 1024  # under SQS's 256 KB, with room for the attributes
PARKED = "hexa.parked-stream-record"  # the marker key of a parked stream record's message body


@dataclass(frozen=True)
class Redrive:
    dlq_url: str
    max_receive_count: int


def _queue_name(arn: str) -> tuple[str, str]:
    """``arn:aws:sqs:<region>:<account>:<name>`` → (account, name)."""
    parts = arn.split(":")
    if len(parts) != 6 or parts[2] != "sqs":
        raise ValueError(f"not an SQS queue ARN: {arn!r}")
    return parts[4], parts[5]


class DeadLetters:
    def __init__(self, sqs: Any) -> None:
        self._sqs = sqs

    @functools.lru_cache(maxsize=64)  # noqa: B019 - one instance per container; the policy is static
    def redrive_of(self, source_queue_arn: str) -> Redrive | None:
        account, name = _queue_name(source_queue_arn)
        source_url = self._sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]
        attributes = self._sqs.get_queue_attributes(QueueUrl=source_url, AttributeNames=["RedrivePolicy"])
        policy = attributes.get("Attributes", {}).get("RedrivePolicy")
        if not policy:
            return None
        policy = json.loads(policy)
        dlq_account, dlq_name = _queue_name(policy["deadLetterTargetArn"])
        dlq_url = self._sqs.get_queue_url(QueueName=dlq_name, QueueOwnerAWSAccountId=dlq_account)["QueueUrl"]
        return Redrive(dlq_url, int(policy["maxReceiveCount"]))

    def send(
        self, source_queue_arn: str, body: str, *, reason: str, consumer: str, kind: str, receives: int
    ) -> bool:
        """Put ``body`` in the DLQ of ``source_queue_arn`` with the reason; ``False`` if it has none."""
        redrive = self.redrive_of(source_queue_arn)
        if redrive is None:
            return False
        self._sqs.send_message(
            QueueUrl=redrive.dlq_url,
            MessageBody=body,
            MessageAttributes=failure_attributes(reason, consumer, kind, receives),
        )
        return True

    def park(
        self, queue_url: str, record: dict[str, Any], *, reason: str, consumer: str, function_name: str | None
    ) -> None:
        """Keep a stream record this function can never process, whole, in its failure queue, naming the
        function to hand it back to (``hexa dlq redrive``)."""
        parked = {
            "consumer": consumer,
            "function": function_name,
            "reason": reason[:MAX_REASON],
            "parked_at": now_iso(),
            "record": record,
        }
        body = json.dumps({PARKED: parked}, separators=(",", ":"), default=str)
        if len(body.encode()) > MAX_MESSAGE_BYTES:  # the item is in its table: keep its keys and position
            dynamodb = {
                k: v for k, v in record.get("dynamodb", {}).items() if k in ("Keys", "SequenceNumber")
            }
            parked["record"] = {**{k: v for k, v in record.items() if k != "dynamodb"}, "dynamodb": dynamodb}
            parked["image_omitted"] = f"the record ({len(body)} bytes) is over an SQS message's limit"
            body = json.dumps({PARKED: parked}, separators=(",", ":"), default=str)
        self._sqs.send_message(
            QueueUrl=queue_url,
            MessageBody=body,
            MessageAttributes=failure_attributes(reason, consumer, "parked", 1),
        )


def failure_attributes(reason: str, consumer: str, kind: str, receives: int) -> dict[str, Any]:
    values = {
        REASON: reason[:MAX_REASON] or "(no reason)",
        CONSUMER: consumer,
        FAILED_AT: now_iso(),
        KIND: kind,
        RECEIVES: str(receives),
    }
    return {name: {"DataType": "String", "StringValue": value} for name, value in values.items()}


def redriven_attributes(attributes: dict[str, Any]) -> dict[str, Any]:
    """A dead letter's message attributes as they go back to the source queue: its own, not the failure's."""
    return {
        k: {f: v for f, v in value.items() if f in ("DataType", "StringValue", "BinaryValue")}
        for k, value in attributes.items()
        if k not in FAILURE_ATTRIBUTES
    }


@functools.lru_cache(maxsize=1)
def dead_letters_from_env() -> DeadLetters:
    from hexa_shared.aws import client

    return DeadLetters(client("sqs"))
