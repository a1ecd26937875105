"""DynamoDB tables for the provisioner: created (or reused) with their indexes, stream and TTL.

A table is ``<stack>-<LogicalId>`` unless the template names it. A reused table gets the stream
the template asks for if it has none, so the stream pollers always find one.
"""

from __future__ import annotations

import logging
from typing import Any

from botocore.exceptions import ClientError

from .provision_context import Creator, ProvisionContext, drop_none, find_or_create, is_true
from .resources import PhysicalResource

__all__ = ["CREATORS"]

log = logging.getLogger("hexa.local.provisioner")


def create_table(ctx: ProvisionContext, lid: str, props: dict[str, Any]) -> PhysicalResource:
    ddb = ctx.clients("dynamodb")
    name = ctx.name(lid, props, "TableName")
    p = {k: ctx.r(lid, props.get(k), k) for k in props if k != "TableName"}
    stream = p.get("StreamSpecification") or {}
    desc, found = find_or_create(
        lambda: ddb.describe_table(TableName=name)["Table"], lambda: ddb.create_table(**_table_args(name, p))
    )
    if found:
        log.info("%s: reusing existing table %s", lid, name)
        if stream.get("StreamViewType") and not desc.get("LatestStreamArn"):
            ddb.update_table(
                TableName=name,
                StreamSpecification={"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]},
            )
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    ttl = p.get("TimeToLiveSpecification") or {}
    if is_true(ttl.get("Enabled")):
        try:
            ddb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
            )
        except ClientError as exc:  # already enabled on a reused table
            log.debug("%s: TTL not updated: %s", lid, exc)
    desc = ddb.describe_table(TableName=name)["Table"]
    attrs = {"Arn": desc["TableArn"]}
    if desc.get("LatestStreamArn"):
        attrs["StreamArn"] = desc["LatestStreamArn"]
    return PhysicalResource(lid, "AWS::DynamoDB::Table", name, attrs)


def _table_args(name: str, p: dict[str, Any]) -> dict[str, Any]:
    provisioned = p.get("BillingMode") == "PROVISIONED" or (
        "BillingMode" not in p and "ProvisionedThroughput" in p
    )

    def throughput(spec: dict[str, Any] | None) -> dict[str, int] | None:
        if not provisioned or not spec:
            return None
        return {
            "ReadCapacityUnits": int(spec["ReadCapacityUnits"]),
            "WriteCapacityUnits": int(spec["WriteCapacityUnits"]),
        }

    def index(spec: dict[str, Any], with_throughput: bool) -> dict[str, Any]:
        return drop_none(
            IndexName=spec["IndexName"],
            KeySchema=spec["KeySchema"],
            Projection=spec["Projection"],
            ProvisionedThroughput=throughput(spec.get("ProvisionedThroughput")) if with_throughput else None,
        )

    stream = p.get("StreamSpecification") or {}
    return drop_none(
        TableName=name,
        AttributeDefinitions=p["AttributeDefinitions"],
        KeySchema=p["KeySchema"],
        BillingMode="PROVISIONED" if provisioned else "PAY_PER_REQUEST",
        ProvisionedThroughput=throughput(p.get("ProvisionedThroughput")),
        GlobalSecondaryIndexes=[index(g, True) for g in p.get("GlobalSecondaryIndexes") or []] or None,
        LocalSecondaryIndexes=[index(i, False) for i in p.get("LocalSecondaryIndexes") or []] or None,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
        if stream.get("StreamViewType")
        else None,
    )


CREATORS: dict[str, Creator] = {"AWS::DynamoDB::Table": create_table}
