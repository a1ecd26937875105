"""EventBridge buses, rules and archives for the provisioner.

Buses use their resolved ``Name``; a rule is ``<stack>-<LogicalId>`` (at most 64 characters)
unless named. Only SQS targets are accepted: moto makes every ``put_events`` on the bus fail once
a rule targets a Lambda or SNS. Archives are best effort (skipped with a warning if refused).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from botocore.exceptions import ClientError

from .provision_context import Creator, ProvisionContext, ProvisionError, drop_none, find_or_create
from .resources import PhysicalResource
from .template import TemplateError

__all__ = ["CREATORS"]

log = logging.getLogger("hexa.local.provisioner")


def create_event_bus(ctx: ProvisionContext, lid: str, props: dict[str, Any]) -> PhysicalResource:
    events = ctx.clients("events")
    name = str(ctx.r(lid, props.get("Name"), "Name"))
    arn, found = find_or_create(
        lambda: events.describe_event_bus(Name=name)["Arn"],
        lambda: events.create_event_bus(Name=name)["EventBusArn"],
    )
    if found:
        log.info("%s: reusing existing event bus %s", lid, name)
    return PhysicalResource(lid, "AWS::Events::EventBus", name, {"Arn": arn, "Name": name})


def _event_pattern(ctx: ProvisionContext, lid: str, props: dict[str, Any]) -> Any:
    """The resolved ``EventPattern`` as the API wants it (a JSON string)."""
    pattern = ctx.r(lid, props.get("EventPattern"), "EventPattern")
    return json.dumps(pattern) if isinstance(pattern, (dict, list)) else pattern


_TARGET_KEYS = (
    "Id",
    "Arn",
    "Input",
    "InputPath",
    "InputTransformer",
    "SqsParameters",
    "DeadLetterConfig",
    "RetryPolicy",
    "RoleArn",
)


def create_rule(ctx: ProvisionContext, lid: str, props: dict[str, Any]) -> PhysicalResource:
    events = ctx.clients("events")
    name = ctx.name(lid, props, "Name")[:64]
    targets = ctx.r(lid, props.get("Targets"), "Targets") or []
    for i, target in enumerate(targets):
        arn = str(target.get("Arn", ""))
        if arn.split(":")[2:3] != ["sqs"]:
            raise TemplateError(
                f"{lid}.Properties.Targets[{i}]: only SQS targets are supported locally (a Lambda or SNS "
                f"target makes every put_events on the bus fail in moto); got {arn!r}"
            )
    pattern = _event_pattern(ctx, lid, props)
    bus = ctx.r(lid, props.get("EventBusName"), "EventBusName") or "default"
    arn = events.put_rule(
        **drop_none(
            Name=name,
            EventBusName=bus,
            EventPattern=pattern,
            ScheduleExpression=ctx.r(lid, props.get("ScheduleExpression"), "ScheduleExpression"),
            State=ctx.r(lid, props.get("State"), "State") or "ENABLED",
            Description=ctx.r(lid, props.get("Description"), "Description"),
        )
    )["RuleArn"]
    if targets:
        payload = [{k: t[k] for k in _TARGET_KEYS if k in t} for t in targets]
        result = events.put_targets(Rule=name, EventBusName=bus, Targets=payload)
        if result.get("FailedEntryCount"):
            raise ProvisionError(f"{lid}: put_targets failed: {result.get('FailedEntries')}")
    return PhysicalResource(lid, "AWS::Events::Rule", name, {"Arn": arn})


def create_archive(ctx: ProvisionContext, lid: str, props: dict[str, Any]) -> PhysicalResource | None:
    events = ctx.clients("events")
    given = ctx.r(lid, props.get("ArchiveName"), "ArchiveName")
    name = (
        str(given)
        if given
        else "".join(c if c.isalnum() or c in "._-" else "-" for c in f"{ctx.t.stack_name}-{lid}")[:48]
    )
    pattern = _event_pattern(ctx, lid, props)

    def create() -> str:
        return str(
            events.create_archive(
                **drop_none(
                    ArchiveName=name,
                    EventSourceArn=ctx.r(lid, props.get("SourceArn"), "SourceArn"),
                    Description=ctx.r(lid, props.get("Description"), "Description"),
                    EventPattern=pattern,
                    RetentionDays=int(ctx.r(lid, props.get("RetentionDays"), "RetentionDays") or 0) or None,
                )
            )["ArchiveArn"]
        )

    try:
        arn, _ = find_or_create(lambda: str(events.describe_archive(ArchiveName=name)["ArchiveArn"]), create)
    except ClientError as exc:
        log.warning("%s: archive not created (best effort): %s", lid, exc)
        return None
    return PhysicalResource(lid, "AWS::Events::Archive", name, {"Arn": arn, "ArchiveName": name})


CREATORS: dict[str, Creator] = {
    "AWS::Events::EventBus": create_event_bus,
    "AWS::Events::Rule": create_rule,
    "AWS::Events::Archive": create_archive,
}
