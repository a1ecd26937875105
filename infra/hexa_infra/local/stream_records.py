"""What Lambda hands a DynamoDB Streams function, and what it reports when a batch is given up.

Pure functions, no I/O: the Lambda event for a batch of ``GetRecords`` records, the index of the
lowest failure a ``batchItemFailures`` answer reports, and AWS's on-failure record sent to a
``DestinationConfig.OnFailure`` queue once retries are exhausted. ``stream_poller`` runs them.
"""

from __future__ import annotations

import base64
import datetime as _dt
import logging
import uuid
from typing import Any

__all__ = ["failure_record", "lambda_stream_record", "lowest_failure", "sequence_number", "stream_event"]

log = logging.getLogger("hexa.local.streams")


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


def stream_event(records: list[dict[str, Any]], stream_arn: str) -> dict[str, Any]:
    """Lambda's DynamoDB Streams event for a batch of ``GetRecords`` records."""
    return {"Records": [lambda_stream_record(r, stream_arn) for r in records]}


def sequence_number(record: dict[str, Any]) -> str:
    """A stream record's ``SequenceNumber`` (what checkpoints and ``itemIdentifier`` use)."""
    return str(record["dynamodb"]["SequenceNumber"])


def _iso(value: Any) -> str | None:
    if isinstance(value, _dt.datetime):
        return value.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return None if value is None else str(value)


def lowest_failure(result: Any, records: list[dict[str, Any]], report: bool, function: str) -> int | None:
    """Index of the lowest failed record, 0 for an invalid report, None if all succeeded (Lambda's rules)."""
    if not report or not isinstance(result, dict):
        return None
    failures = result.get("batchItemFailures") or []
    if not failures:
        return None
    index = {sequence_number(r): i for i, r in enumerate(records)}
    positions = []
    for item in failures if isinstance(failures, list) else [None]:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not identifier or str(identifier) not in index:
            log.error(
                "%s returned an empty or unknown itemIdentifier %r; the whole batch fails",
                function,
                identifier,
            )
            return 0
        positions.append(index[str(identifier)])
    return min(positions)


def failure_record(
    *,
    function_arn: str,
    stream_arn: str,
    shard_id: str,
    records: list[dict[str, Any]],
    attempts: int,
    function_error: str | None,
) -> dict[str, Any]:
    """AWS's on-failure record for a stream batch (what lands in the destination queue)."""
    response: dict[str, Any] = {"statusCode": 200, "executedVersion": "$LATEST"}
    if function_error:
        response["functionError"] = function_error
    return {
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "functionArn": function_arn,
            "condition": "RetryAttemptsExhausted",
            "approximateInvokeCount": attempts,
        },
        "responseContext": response,
        "version": "1.0",
        "timestamp": _iso(_dt.datetime.now(_dt.UTC)),
        "DDBStreamBatchInfo": {
            "shardId": shard_id,
            "startSequenceNumber": sequence_number(records[0]),
            "endSequenceNumber": sequence_number(records[-1]),
            "approximateArrivalOfFirstRecord": _iso(
                records[0]["dynamodb"].get("ApproximateCreationDateTime")
            ),
            "approximateArrivalOfLastRecord": _iso(
                records[-1]["dynamodb"].get("ApproximateCreationDateTime")
            ),
            "batchSize": len(records),
            "streamArn": stream_arn,
        },
    }
