"""Dead-letter queues: see what is stuck, and move it back to its source queue (redrive).

A DLQ is any queue named as ``deadLetterTargetArn`` in another queue's RedrivePolicy; the stream
on-failure queues are listed too (their messages describe a skipped stream range: the fix there is a
projection rebuild, not a redrive). ``SQS StartMessageMoveTask`` is not in moto, so redrive is done
with receive → send → delete, which works on every endpoint (a crash in between duplicates, never
loses, a message — and consumers are idempotent).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass
class DeadLetterQueue:
    logical_id: str
    url: str
    source_url: str | None  # None: a stream on-failure destination (nothing to redrive into)
    messages: int


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
            count = int(sqs.get_queue_attributes(QueueUrl=queue.ref, AttributeNames=["ApproximateNumberOfMessages"])
                        ["Attributes"]["ApproximateNumberOfMessages"])
            result.append(DeadLetterQueue(lid, queue.ref, sources.get(arn), count))
    return result


def redrive(sqs: Any, dlq: DeadLetterQueue, limit: int = 10_000) -> int:
    if dlq.source_url is None:
        raise ValueError(f"{dlq.logical_id} holds stream failure records; run `hexa rebuild-projections` instead")
    moved = 0
    while moved < limit:
        messages = sqs.receive_message(QueueUrl=dlq.url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                       MessageAttributeNames=["All"]).get("Messages", [])
        if not messages:
            break
        for message in messages:
            sqs.send_message(QueueUrl=dlq.source_url, MessageBody=message["Body"],
                             MessageAttributes=message.get("MessageAttributes") or {})
            sqs.delete_message(QueueUrl=dlq.url, ReceiptHandle=message["ReceiptHandle"])
            moved += 1
    return moved


def peek(sqs: Any, dlq: DeadLetterQueue, count: int = 5) -> list[dict[str, Any]]:
    """A few messages, left in place (visibility 0), for a human to look at."""
    messages = sqs.receive_message(QueueUrl=dlq.url, MaxNumberOfMessages=min(count, 10), VisibilityTimeout=0,
                                   WaitTimeSeconds=0).get("Messages", [])
    return [json.loads(m["Body"]) if m["Body"].startswith("{") else {"raw": m["Body"]} for m in messages]
