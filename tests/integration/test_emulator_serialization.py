"""The emulator's direct AttributeValue serialisation (moto_fixes) answers exactly what was stored."""

from __future__ import annotations

import uuid

from moto.core.serialize import BaseJSONSerializer
from moto.dynamodb.models.dynamo_type import DynamoType

from hexa_infra.local.moto_fixes import _attribute_json

EVERY_TYPE = {
    "n": {"N": "12.50"},
    "no": {"BOOL": False},
    "yes": {"BOOL": True},
    "nothing": {"NULL": True},
    "strings": {"SS": ["a", "b"]},
    "numbers": {"NS": ["1", "2.5"]},
    "empty": {"S": ""},
    "map": {
        "M": {"inner": {"S": "v"}, "deep": {"M": {"x": {"N": "1"}, "l": {"L": [{"S": "a"}, {"BOOL": True}]}}}}
    },
    "list": {"L": [{"N": "3"}, {"M": {"k": {"S": "v"}}}, {"NULL": True}, {"L": []}]},
    "empty_map": {"M": {}},
    "binary": {"B": b"\x00\x01hi"},
    "binaries": {"BS": [b"x", b"y"]},  # moto's own path
    "nested_binary": {"M": {"b": {"B": b"\xff"}}},
}


def _normalised(item: dict) -> dict:
    """Sets come back in any order, as from DynamoDB."""
    return {
        k: ({t: sorted(v)} if t in ("SS", "NS", "BS") else {t: v})
        for k, (t, v) in ((k, next(iter(v.items()))) for k, v in item.items())
    }


def test_every_attribute_type_comes_back_as_stored(aws) -> None:  # noqa: ANN001
    assert hasattr(BaseJSONSerializer._serialize_type_structure, "__wrapped__"), "the fix is not applied"
    ddb, table = aws("dynamodb"), f"serialisation-{uuid.uuid4().hex[:8]}"
    ddb.create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    )
    item = {"pk": {"S": "all"}, **EVERY_TYPE}
    ddb.put_item(TableName=table, Item=item)

    got = ddb.get_item(TableName=table, Key={"pk": {"S": "all"}}, ConsistentRead=True)["Item"]
    queried = ddb.query(
        TableName=table, KeyConditionExpression="pk = :k", ExpressionAttributeValues={":k": {"S": "all"}}
    )["Items"]
    updated = ddb.update_item(
        TableName=table,
        Key={"pk": {"S": "all"}},
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": {"N": "7"}},
        ReturnValues="ALL_NEW",
    )["Attributes"]

    assert _normalised(got) == _normalised(item)
    assert [_normalised(i) for i in queried] == [_normalised(item)]
    assert _normalised(updated) == _normalised({**item, "n": {"N": "7"}})
    ddb.delete_table(TableName=table)


def test_only_plain_values_take_the_direct_path() -> None:
    assert _attribute_json(DynamoType({"M": {"a": {"L": [{"N": "1"}]}}})) == {"M": {"a": {"L": [{"N": "1"}]}}}
    assert _attribute_json({"SS": ("a",)}) == {"SS": ["a"]}
    assert _attribute_json(DynamoType({"B": b"x"})) is None
    assert _attribute_json(DynamoType({"L": [{"S": "a"}, {"B": b"x"}]})) is None
    assert _attribute_json({"S": "a", "N": "1"}) is None


def test_answering_queries_leaks_no_items(aws) -> None:  # noqa: ANN001
    from moto.dynamodb.models.dynamo_type import Item

    ddb, table = aws("dynamodb"), f"leak-{uuid.uuid4().hex[:8]}"
    ddb.create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "owner", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_owner",
                "Projection": {"ProjectionType": "ALL"},
                "KeySchema": [{"AttributeName": "owner", "KeyType": "HASH"}],
            }
        ],
    )
    for n in range(10):
        ddb.put_item(TableName=table, Item={"pk": {"S": str(n)}, "owner": {"S": "o"}})
    tracked = len(Item.instances_tracked)

    for _ in range(20):
        assert (
            len(
                ddb.query(
                    TableName=table,
                    IndexName="by_owner",
                    KeyConditionExpression="#o = :o",
                    ExpressionAttributeNames={"#o": "owner"},
                    ExpressionAttributeValues={":o": {"S": "o"}},
                )["Items"]
            )
            == 10
        )

    assert len(Item.instances_tracked) == tracked  # moto alone keeps all 200 query copies alive forever
    ddb.delete_table(TableName=table)
