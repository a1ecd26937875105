"""Lambda event source mappings as the template declares them: each function's SQS and DynamoDB events.

These are read once, after provisioning, and resolved against the provisioned resources; the
pollers (``sqs_poller``, ``stream_poller``) then run them. Template mistakes (an unknown queue, a
StartingPosition or destination the local runtime cannot honour) raise ``TemplateError`` here,
before any poller starts. The names stay importable from the poller modules as before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .aws import Clients
from .resources import ResourceMap
from .template import Template, TemplateError

__all__ = ["SqsMapping", "StreamMapping", "queue_url_for_arn", "sqs_mappings", "stream_mappings"]

_sqs_log = logging.getLogger("hexa.local.sqs")
_streams_log = logging.getLogger("hexa.local.streams")


@dataclass(frozen=True)
class SqsMapping:
    """One ``Type: SQS`` event of a function, resolved."""

    function: str
    event_name: str
    queue_url: str
    queue_arn: str
    batch_size: int = 10
    batching_window: float = 0.0
    report_batch_item_failures: bool = False
    enabled: bool = True


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


def queue_url_for_arn(arn: str, resources: ResourceMap | None, clients: Clients) -> str:
    """URL of a queue ARN: from the provisioned resources, else asked of the endpoint."""
    known = resources.find_by_attr("Arn", arn) if resources is not None else None
    if known is not None and "QueueUrl" in known.attrs:
        return str(known.attrs["QueueUrl"])
    parts = arn.split(":")
    if len(parts) < 6 or parts[2] != "sqs":
        raise ValueError(f"not an SQS queue ARN: {arn!r}")
    return str(clients("sqs").get_queue_url(QueueName=parts[5], QueueOwnerAWSAccountId=parts[4])["QueueUrl"])


def _resolved_events(
    template: Template, resources: ResourceMap, event_type: str
) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """``(function, event name, where, resolved Properties)`` of every function event of one Type."""
    for lid, event_name, event in template.function_events(event_type):
        where = f"{lid}.Properties.Events.{event_name}.Properties"
        props = template.resolve(event.get("Properties") or {}, resources, where=where) or {}
        yield lid, event_name, where, props


def _reports_item_failures(props: dict[str, Any]) -> bool:
    return "ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or [])


def _enabled(props: dict[str, Any]) -> bool:
    return str(props.get("Enabled", True)).lower() != "false"


def sqs_mappings(template: Template, resources: ResourceMap, clients: Clients) -> list[SqsMapping]:
    """Every ``Type: SQS`` event of every function, resolved against the provisioned resources."""
    mappings = []
    for lid, event_name, where, props in _resolved_events(template, resources, "SQS"):
        arn = str(props.get("Queue", ""))
        try:
            url = queue_url_for_arn(arn, resources, clients)
        except Exception as exc:
            raise TemplateError(f"{where}.Queue: cannot find queue {arn!r}: {exc}") from exc
        if props.get("FilterCriteria"):
            _sqs_log.warning("%s: FilterCriteria is not emulated locally; every message is delivered", where)
        mappings.append(
            SqsMapping(
                function=lid,
                event_name=event_name,
                queue_url=url,
                queue_arn=arn,
                batch_size=int(props.get("BatchSize", 10)),
                batching_window=float(props.get("MaximumBatchingWindowInSeconds", 0)),
                report_batch_item_failures=_reports_item_failures(props),
                enabled=_enabled(props),
            )
        )
    return mappings


def stream_mappings(template: Template, resources: ResourceMap, clients: Clients) -> list[StreamMapping]:
    """Every ``Type: DynamoDB`` event of every function, resolved against the provisioned resources."""
    mappings = []
    for lid, event_name, where, props in _resolved_events(template, resources, "DynamoDB"):
        position = str(props.get("StartingPosition", "LATEST"))
        if position not in ("TRIM_HORIZON", "LATEST"):
            raise TemplateError(
                f"{where}.StartingPosition: {position} is not supported locally (TRIM_HORIZON or LATEST)"
            )
        retries = props.get("MaximumRetryAttempts")
        retries = None if retries is None or int(retries) < 0 else int(retries)
        destination = ((props.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
        url = None
        if destination:
            try:
                url = queue_url_for_arn(str(destination), resources, clients)
            except Exception as exc:
                raise TemplateError(
                    f"{where}.DestinationConfig.OnFailure: only SQS destinations are "
                    f"supported locally, and {destination!r} was not found: {exc}"
                ) from exc
        if props.get("FilterCriteria"):
            _streams_log.warning(
                "%s: FilterCriteria is not emulated locally; every record is delivered", where
            )
        if props.get("BisectBatchOnFunctionError"):
            _streams_log.info(
                "%s: BisectBatchOnFunctionError is ignored locally (failed batches are retried whole)", where
            )
        mappings.append(
            StreamMapping(
                function=lid,
                event_name=event_name,
                stream_arn=str(props.get("Stream")),
                starting_position=position,
                batch_size=int(props.get("BatchSize", 100)),
                batching_window=float(props.get("MaximumBatchingWindowInSeconds", 0)),
                max_retries=retries,
                report_batch_item_failures=_reports_item_failures(props),
                on_failure_arn=str(destination) if destination else None,
                on_failure_url=url,
                enabled=_enabled(props),
            )
        )
    return mappings
