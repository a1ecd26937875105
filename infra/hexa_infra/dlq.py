"""Dead-letter queues: see what is stuck and why, and hand it back after the fix (redrive).

Two kinds of queue:

* an SQS **DLQ** (``deadLetterTargetArn`` of another queue's RedrivePolicy) holds events a consumer
  refused (invalid: at once) or gave up on (after ``maxReceiveCount`` receives), each with its reason in
  message attributes (:mod:`hexa_shared.dead_letters`). Redrive moves them back to the source queue,
  without the old reason. ``SQS StartMessageMoveTask`` is not in moto, so it is receive → send →
  delete, which works on every endpoint (a crash in between duplicates, never loses, a message — and
  consumers are idempotent);
* a stream function's **failure queue** (its ``OnFailure`` destination) holds records the function
  parked — whole, with the reason — and, from Lambda itself, descriptions of batches whose retries ran
  out. Redrive hands each parked record back to the function that parked it, as a one-record stream
  batch; a record that fails again stays. Lambda's own descriptions carry no records: the fix there is
  a projection rebuild (``hexa rebuild-projections``, ``hexa search reindex``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

from hexa_shared.batch import REDRIVE
from hexa_shared.dead_letters import FAILURE_ATTRIBUTES, KIND, PARKED, REASON, redriven_attributes

Invoke = Callable[[str, dict[str, Any]], Any]  # (function name, event) -> the handler's answer


@dataclass
class DeadLetterQueue:
    logical_id: str
    url: str
    source_url: str | None  # None: a stream function's failure queue
    messages: int


@dataclass
class Redriven:
    moved: int = 0  # back in their source queue / handled by their function
    kept: int = 0  # still failing, or not redrivable (Lambda's batch descriptions)


def dead_letter_queues(template: Any, resources: Any, sqs: Any) -> list[DeadLetterQueue]:
    queues = resources.of_type("AWS::SQS::Queue")
    sources: dict[str, str] = {}
    for lid, queue in queues.items():
        policy = template.resolve(template.properties(lid).get("RedrivePolicy"), resources, where=lid) or {}
        if policy.get("deadLetterTargetArn"):
            sources[policy["deadLetterTargetArn"]] = queue.ref
    on_failure = set()
    for lid in template.resources_of_type("AWS::Serverless::Function"):
        for event in (template.properties(lid).get("Events") or {}).values():
            destination = (event.get("Properties", {}).get("DestinationConfig") or {}).get("OnFailure", {})
            if destination.get("Destination"):
                on_failure.add(template.resolve(destination["Destination"], resources, where=lid))
    result = []
    for lid, queue in sorted(queues.items()):
        arn = queue.attrs["Arn"]
        if arn in sources or arn in on_failure:
            count = int(
                sqs.get_queue_attributes(QueueUrl=queue.ref, AttributeNames=["ApproximateNumberOfMessages"])[
                    "Attributes"
                ]["ApproximateNumberOfMessages"]
            )
            result.append(DeadLetterQueue(lid, queue.ref, sources.get(arn), count))
    return result


def _receive(sqs: Any, url: str, visibility: int | None = None) -> list[dict[str, Any]]:
    extra = {} if visibility is None else {"VisibilityTimeout": visibility}
    return sqs.receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=10,
        WaitTimeSeconds=0,
        MessageAttributeNames=["All"],
        AttributeNames=["All"],
        **extra,
    ).get("Messages", [])


def redrive(sqs: Any, dlq: DeadLetterQueue, limit: int = 10_000, invoke: Invoke | None = None) -> Redriven:
    """Move a DLQ back to its source queue, or hand a failure queue's parked records back to their
    function (``invoke``); messages that cannot be redriven are left in place."""
    if dlq.source_url is None and invoke is None:
        raise ValueError(f"{dlq.logical_id} is a stream failure queue: redriving it needs the functions")
    result, seen, kept = Redriven(), 0, []
    while seen < limit:
        messages = _receive(sqs, dlq.url, visibility=60)  # kept ones stay hidden until this pass ends
        if not messages:
            break
        for message in messages:
            seen += 1
            if dlq.source_url is not None:
                sqs.send_message(
                    QueueUrl=dlq.source_url,
                    MessageBody=message["Body"],
                    MessageAttributes=redriven_attributes(message.get("MessageAttributes") or {}),
                )
                done = True
            else:
                done = _replay_parked(message, invoke)  # type: ignore[arg-type]
            if done:
                sqs.delete_message(QueueUrl=dlq.url, ReceiptHandle=message["ReceiptHandle"])
                result.moved += 1
            else:
                result.kept += 1
                kept.append(message["ReceiptHandle"])
    for handle in kept:  # hidden for this pass only: visible again for the next look
        sqs.change_message_visibility(QueueUrl=dlq.url, ReceiptHandle=handle, VisibilityTimeout=0)
    return result


def _replay_parked(message: dict[str, Any], invoke: Invoke) -> bool:
    parked = _parked(message["Body"])
    if parked is None or not parked.get("function"):
        return False  # Lambda's own description of a skipped batch: no record to replay
    answer = invoke(parked["function"], {"Records": [parked["record"]], REDRIVE: True})
    return isinstance(answer, dict) and not answer.get("batchItemFailures")  # still failing: it stays parked


def _parked(body: str) -> dict[str, Any] | None:
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value.get(PARKED) if isinstance(value, dict) else None


def peek(sqs: Any, dlq: DeadLetterQueue, count: int = 5) -> list[dict[str, Any]]:
    """A few messages, left in place (visibility 0), each with why it is there, for a human to look at."""
    messages = sqs.receive_message(
        QueueUrl=dlq.url,
        MaxNumberOfMessages=min(count, 10),
        VisibilityTimeout=0,
        WaitTimeSeconds=0,
        MessageAttributeNames=["All"],
        AttributeNames=["ApproximateReceiveCount", "SentTimestamp"],
    ).get("Messages", [])
    return [describe(m) for m in messages]


def describe(message: dict[str, Any]) -> dict[str, Any]:
    attributes = message.get("MessageAttributes") or {}
    failure = {
        name.rsplit(".", 1)[-1]: value.get("StringValue")
        for name, value in attributes.items()
        if name in FAILURE_ATTRIBUTES
    }
    parked = _parked(message["Body"])
    if parked is not None:
        return {
            "reason": parked.get("reason"),
            "kind": "parked",
            "consumer": parked.get("consumer"),
            "function": parked.get("function"),
            "record": parked.get("record"),
        }
    body: Any = message["Body"]
    try:
        body = json.loads(body)
    except ValueError:
        pass
    if not failure:
        failure = {"reason": "(none recorded: moved by the queue's redrive policy or by Lambda)"}
    return {
        **failure,
        "receives": (message.get("Attributes") or {}).get("ApproximateReceiveCount"),
        "message": body,
    }


__all__ = [
    "DeadLetterQueue",
    "Redriven",
    "dead_letter_queues",
    "describe",
    "peek",
    "redrive",
    "REASON",
    "KIND",
]
