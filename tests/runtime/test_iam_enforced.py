"""Each function's IAM role, from the template after the SAM transform, enforced on the AWS calls it makes.

A probe function is added to a copy of the runtime's fixture with a read-only grant on the items table, a
send grant on one queue and the signing secret: what its role allows goes through to the emulator, what
it does not fails with AccessDeniedException naming the action and the resource, as in AWS.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from hexa_infra.local import iam
from hexa_infra.local.cloud import LocalCloud

FIXTURE_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "runtime"

PROBE = """
import json, os
import boto3
from botocore.exceptions import ClientError


def handle(event, context):
    ddb, sqs = boto3.client("dynamodb"), boto3.client("sqs")
    table = os.environ["ITEMS_TABLE"]
    calls = {
        "get": lambda: ddb.get_item(TableName=table, Key={"pk": {"S": "x"}}),
        "query_index": lambda: ddb.query(TableName=table, IndexName="by_kind",
                                         KeyConditionExpression="kind = :k",
                                         ExpressionAttributeValues={":k": {"S": "a"}}),
        "put": lambda: ddb.put_item(TableName=table, Item={"pk": {"S": "x"}}),
        "transact": lambda: ddb.transact_write_items(TransactItems=[
            {"ConditionCheck": {"TableName": table, "Key": {"pk": {"S": "x"}},
                                "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Put": {"TableName": table, "Item": {"pk": {"S": "y"}}}}]),
        "send_work": lambda: sqs.send_message(QueueUrl=os.environ["WORK_URL"], MessageBody="hi"),
        "send_strict": lambda: sqs.send_message(QueueUrl=os.environ["STRICT_URL"], MessageBody="hi"),
        "secret": lambda: boto3.client("secretsmanager").get_secret_value(SecretId=os.environ["SECRET_ARN"]),
    }
    try:
        calls[event["call"]]()
        return {"allowed": True}
    except ClientError as error:
        problem = error.response["Error"]
        return {"allowed": False, "code": problem["Code"], "message": problem["Message"]}
"""

FUNCTION = """
  ProbeFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: probe/
      Handler: app.handle
      Environment:
        Variables:
          WORK_URL: !Ref WorkQueue
          STRICT_URL: !Ref StrictQueue
      Policies:
        - DynamoDBReadPolicy: {TableName: !Ref ItemsTable}
        - SQSSendMessagePolicy: {QueueName: !GetAtt WorkQueue.QueueName}
        - Statement:
            - Effect: Allow
              Action: secretsmanager:GetSecretValue
              Resource: !Ref Secret

"""


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloud]:
    import shutil

    folder = tmp_path_factory.mktemp("iam") / "fixture"
    shutil.copytree(FIXTURE_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "probe").mkdir()
    (folder / "probe" / "app.py").write_text(PROBE)
    template = folder / "template.yaml"
    text = template.read_text()
    template.write_text(text.replace("\n  WorkerFunction:\n", FUNCTION + "  WorkerFunction:\n", 1))
    with LocalCloud(
        template, stack_name="rt-iam", emulator_port=0, gateway_port=0, start_pollers=False
    ) as running:
        yield running


def _call(cloud: LocalCloud, call: str) -> dict:
    return cloud.functions["ProbeFunction"].invoke({"call": call})


@pytest.mark.parametrize("call", ["get", "query_index", "send_work", "secret"])
def test_what_the_role_allows_reaches_the_emulator(cloud: LocalCloud, call: str) -> None:
    assert _call(cloud, call) == {"allowed": True}


@pytest.mark.parametrize(
    ("call", "action", "resource"),
    [
        ("put", "dynamodb:PutItem", ":table/rt-iam-ItemsTable"),
        ("transact", "dynamodb:ConditionCheckItem", ":table/rt-iam-ItemsTable"),  # each item's own action
        ("send_strict", "sqs:SendMessage", ":rt-iam-StrictQueue"),
    ],
)
def test_what_it_does_not_is_refused_as_aws_refuses_it(
    cloud: LocalCloud, call: str, action: str, resource: str
) -> None:
    answer = _call(cloud, call)
    assert answer["allowed"] is False and answer["code"] == "AccessDeniedException"
    assert f"not authorized to perform: {action} on resource: arn:aws:" in answer["message"]
    assert resource in answer["message"]


def test_nothing_was_written_by_a_refused_call(cloud: LocalCloud) -> None:
    _call(cloud, "put")
    _call(cloud, "transact")
    table = cloud.resources["ItemsTable"].ref
    items = cloud.client("dynamodb").scan(TableName=table)["Items"]
    assert not [item for item in items if item["pk"]["S"] in ("x", "y")]


def test_the_local_cloud_itself_is_not_a_function_and_is_not_restricted(cloud: LocalCloud) -> None:
    queue = cloud.resources["StrictQueue"].ref
    cloud.client("sqs").send_message(QueueUrl=queue, MessageBody=json.dumps({"by": "the test"}))


@pytest.mark.parametrize(
    ("operation", "params", "expected"),
    [
        (
            "TransactWriteItems",
            {"TransactItems": [{"Put": {"TableName": "t"}}, {"Delete": {"TableName": "u"}}]},
            [
                ("dynamodb:PutItem", "arn:aws:dynamodb:r:1:table/t"),
                ("dynamodb:DeleteItem", "arn:aws:dynamodb:r:1:table/u"),
            ],
        ),
        (
            "BatchWriteItem",
            {"RequestItems": {"t": []}},
            [("dynamodb:BatchWriteItem", "arn:aws:dynamodb:r:1:table/t")],
        ),
        (
            "Query",
            {"TableName": "t", "IndexName": "i"},
            [("dynamodb:Query", "arn:aws:dynamodb:r:1:table/t/index/i")],
        ),
    ],
)
def test_dynamodb_calls_are_authorised_per_table_and_index(
    operation: str, params: dict, expected: list
) -> None:
    assert iam.requests_of("dynamodb", operation, params, "r", "1") == expected


def test_a_secret_named_without_its_suffix_matches_the_grant_of_its_arn() -> None:
    grant = iam.Statement(
        ("secretsmanager:GetSecretValue",), ("arn:aws:secretsmanager:r:1:secret:s/key-AbC123",)
    )
    ((action, resource),) = iam.requests_of(
        "secretsmanager", "GetSecretValue", {"SecretId": "s/key"}, "r", "1"
    )
    assert grant.allows(action, resource)
    ((action, other),) = iam.requests_of(
        "secretsmanager", "GetSecretValue", {"SecretId": "s/other"}, "r", "1"
    )
    assert not grant.allows(action, other)
