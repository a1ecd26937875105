"""The guide's business panel, counted in the platform's own tables (Scan with Select=COUNT: no item
leaves the table; locally cheap, and in AWS the CloudWatch dashboard shows the same from EMF)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any


def _count(
    dynamodb: Any,
    table: str,
    expression: str | None = None,
    values: dict[str, Any] | None = None,
    names: dict[str, str] | None = None,
) -> int:
    total, kwargs = 0, {"TableName": table, "Select": "COUNT"}
    if expression:
        kwargs.update(FilterExpression=expression, ExpressionAttributeValues=values or {})
        if names:
            kwargs["ExpressionAttributeNames"] = names
    while True:
        page = dynamodb.scan(**kwargs)
        total += int(page.get("Count", 0))
        if "LastEvaluatedKey" not in page:
            return total
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def business(dynamodb: Any, tables: dict[str, str], now: datetime | None = None) -> dict[str, int]:
    hour_ago = ((now or datetime.now(timezone.utc)) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")
    status = {"#s": "status"}
    signed = {":signed": {"S": "SIGNED"}, ":active": {"S": "ACTIVE"}}
    return {
        "active_partners": _count(
            dynamodb, tables["PartnersTable"], "#s = :a", {":a": {"S": "ACTIVE"}}, status
        ),
        "partners": _count(dynamodb, tables["PartnersTable"]),
        "campaigns": _count(dynamodb, tables["CampaignsTable"]),
        "campaigns_last_hour": _count(
            dynamodb, tables["CampaignsTable"], "created_at >= :h", {":h": {"S": hour_ago}}
        ),
        "contracts_signed": _count(
            dynamodb, tables["ContractsTable"], "#s IN (:signed, :active)", signed, status
        ),
        # the read model's updated_at is when the contract last moved: signed within the hour, or since
        "contracts_signed_last_hour": _count(
            dynamodb,
            tables["ContractsTable"],
            "#s = :signed AND updated_at >= :h",
            {":signed": {"S": "SIGNED"}, ":h": {"S": hour_ago}},
            status,
        ),
    }
