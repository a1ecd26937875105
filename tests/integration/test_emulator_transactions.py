"""A cancelled transaction must neither leak a stream record nor blind the stream's open readers.

Stock moto 5.2 does both (see infra/hexa_infra/local/moto_fixes.py); the embedded emulator is patched.
"""

from __future__ import annotations

import uuid


def test_cancelled_transaction_leaves_the_stream_intact(cloud, aws) -> None:  # noqa: ANN001
    ddb, streams = aws("dynamodb"), aws("dynamodbstreams")
    name = f"emulator-probe-{uuid.uuid4().hex[:8]}"  # its own table: no platform handler reads this stream
    ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[
            {"AttributeName": "contract_id", "KeyType": "HASH"},
            {"AttributeName": "version", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "contract_id", "AttributeType": "S"},
            {"AttributeName": "version", "AttributeType": "N"},
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    stream_arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][-1]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard, ShardIteratorType="LATEST")[
        "ShardIterator"
    ]
    contract = f"emulator-{uuid.uuid4()}"

    def put(version: int) -> dict:
        return {
            "Put": {
                "TableName": name,
                "ConditionExpression": "attribute_not_exists(version)",
                "Item": {
                    "contract_id": {"S": contract},
                    "version": {"N": str(version)},
                    "event_type": {"S": "Probe"},
                },
            }
        }

    ddb.transact_write_items(TransactItems=[put(1)])
    try:  # version 2 is free, version 1 is not: the whole transaction is cancelled
        ddb.transact_write_items(TransactItems=[put(2), put(1)])
        raise AssertionError("the transaction should have been cancelled")
    except ddb.exceptions.TransactionCanceledException:
        pass
    ddb.transact_write_items(TransactItems=[put(3)])

    seen = []
    while True:
        page = streams.get_records(ShardIterator=iterator)
        seen += [
            (r["dynamodb"]["Keys"]["contract_id"]["S"], r["dynamodb"]["Keys"]["version"]["N"])
            for r in page["Records"]
        ]
        if not page["Records"]:
            break
        iterator = page["NextShardIterator"]
    mine = [version for key, version in seen if key == contract]
    assert mine == ["1", "3"]
