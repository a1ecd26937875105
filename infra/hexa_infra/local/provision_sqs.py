"""SQS queues and queue policies for the provisioner.

A queue is ``<stack>-<LogicalId>`` (``.fifo`` appended for FIFO) unless the template names it. A
reused queue gets the template's attributes again; an endpoint that rejects the optional
encryption attributes gets the queue without them (LocalStack/moto differ there).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from botocore.exceptions import ClientError

from .aws import error_code
from .provision_context import Creator, ProvisionContext, is_true
from .resources import PhysicalResource
from .template import TemplateError

__all__ = ["CREATORS"]

log = logging.getLogger("hexa.local.provisioner")


_QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "RedrivePolicy",
    "RedriveAllowPolicy",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "SqsManagedSseEnabled",
)
_OPTIONAL_QUEUE_ATTRIBUTES = ("SqsManagedSseEnabled", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds")


def create_queue(ctx: ProvisionContext, lid: str, props: dict[str, Any]) -> PhysicalResource:
    sqs = ctx.clients("sqs")
    fifo = is_true(ctx.r(lid, props.get("FifoQueue"), "FifoQueue"))
    name = ctx.name(lid, props, "QueueName")
    if fifo and not name.endswith(".fifo"):
        name += ".fifo"
    if len(name) > 80:
        raise TemplateError(f"{lid}: queue name {name!r} is longer than 80 characters; set QueueName")
    attributes: dict[str, str] = {}
    for key in _QUEUE_ATTRIBUTES:
        value = ctx.r(lid, props.get(key), key)
        if value is None:
            continue
        if key == "RedrivePolicy" and isinstance(value, dict):
            value = dict(value)
            if "maxReceiveCount" in value:
                value["maxReceiveCount"] = int(value["maxReceiveCount"])
        attributes[key] = (
            json.dumps(value)
            if isinstance(value, (dict, list))
            else str(value).lower()
            if isinstance(value, bool)
            else str(value)
        )
    url = _ensure_queue(ctx, lid, name, attributes)
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return PhysicalResource(lid, "AWS::SQS::Queue", url, {"Arn": arn, "QueueName": name, "QueueUrl": url})


def _ensure_queue(ctx: ProvisionContext, lid: str, name: str, attributes: dict[str, str]) -> str:
    sqs = ctx.clients("sqs")
    for attempt in range(2):
        try:
            try:
                url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
            except ClientError as exc:
                if "NonExistentQueue" not in error_code(exc) and error_code(exc) != "QueueDoesNotExist":
                    raise
                return str(sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"])
            mutable = {k: v for k, v in attributes.items() if k != "FifoQueue"}
            if mutable:
                sqs.set_queue_attributes(QueueUrl=url, Attributes=mutable)
            log.info("%s: reusing existing queue %s", lid, name)
            return str(url)
        except ClientError as exc:
            optional = [k for k in _OPTIONAL_QUEUE_ATTRIBUTES if k in attributes]
            if attempt or not optional or "Attribute" not in error_code(exc):
                raise
            log.warning(
                "%s: endpoint rejected %s (%s); creating the queue without them",
                lid,
                ", ".join(optional),
                error_code(exc),
            )
            for key in optional:
                attributes.pop(key)
    raise AssertionError("unreachable")


def create_queue_policy(ctx: ProvisionContext, lid: str, props: dict[str, Any]) -> PhysicalResource:
    sqs = ctx.clients("sqs")
    policy = json.dumps(ctx.r(lid, props.get("PolicyDocument"), "PolicyDocument"))
    for url in ctx.r(lid, props.get("Queues"), "Queues") or []:
        try:
            sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})
        except ClientError as exc:
            log.warning("%s: queue policy not applied to %s: %s", lid, url, exc)
    return PhysicalResource(lid, "AWS::SQS::QueuePolicy", f"{ctx.t.stack_name}-{lid}")


CREATORS: dict[str, Creator] = {
    "AWS::SQS::Queue": create_queue,
    "AWS::SQS::QueuePolicy": create_queue_policy,
}
