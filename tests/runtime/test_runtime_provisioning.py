"""Provisioning against an endpoint the cloud did not start: what gets created, and re-runs converge."""

from __future__ import annotations

import json
import string
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from hexa_infra.local.aws import Clients
from hexa_infra.local.cloud import LocalCloud
from hexa_infra.local.emulator import Emulator, EmulatorError
from hexa_infra.local.provisioner import provision
from hexa_infra.local.template import Template, TemplateError


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with Emulator(port=0) as emulator:
        yield emulator.url


@pytest.fixture
def fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")


def test_emulator_reports_a_busy_port(endpoint: str) -> None:
    port = int(endpoint.rsplit(":", 1)[1])
    with pytest.raises(EmulatorError, match="in use"):
        Emulator(port=port).start()


@pytest.mark.usefixtures("fake_credentials")
def test_resources_match_the_template_and_reprovisioning_converges(
    endpoint: str, fixture_template: Path
) -> None:
    def up() -> tuple[dict, str]:
        with LocalCloud(
            fixture_template, stack_name="rt-prov", endpoint_url=endpoint, gateway_port=0, start_pollers=False
        ) as cloud:
            assert cloud.endpoint_url == endpoint
            snapshot = {lid: (r.ref, dict(r.attrs)) for lid, r in cloud.resources.items()}
            secret = cloud.client("secretsmanager").get_secret_value(SecretId=cloud.resources["Secret"].ref)
            inspect(cloud)
            return snapshot, secret["SecretString"]

    first, secret = up()
    second, secret_again = up()
    assert first == second  # same names, URLs and ARNs the second time
    assert secret == secret_again  # an existing secret keeps its value
    assert len(secret) == 24 and set(secret) <= set(string.ascii_letters + string.digits)
    assert "ProdOnlyQueue" not in first  # its condition is false


def inspect(cloud: LocalCloud) -> None:
    res = cloud.resources
    ddb, sqs, events = cloud.client("dynamodb"), cloud.client("sqs"), cloud.client("events")
    table = ddb.describe_table(TableName=res["ItemsTable"].ref)["Table"]
    assert table["TableName"] == "rt-prov-ItemsTable"
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert [g["IndexName"] for g in table["GlobalSecondaryIndexes"]] == ["by_kind"]
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert res["ItemsTable"].attrs["StreamArn"] == table["LatestStreamArn"]
    ttl = ddb.describe_time_to_live(TableName=res["ItemsTable"].ref)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at"

    attrs = sqs.get_queue_attributes(QueueUrl=res["WorkQueue"].ref, AttributeNames=["All"])["Attributes"]
    assert attrs["VisibilityTimeout"] == "30"
    assert json.loads(attrs["RedrivePolicy"]) == {
        "deadLetterTargetArn": res["WorkDLQ"].attrs["Arn"],
        "maxReceiveCount": 2,
    }
    policy = json.loads(attrs["Policy"])
    assert (
        policy["Statement"][0]["Condition"]["ArnEquals"]["aws:SourceArn"] == res["BusToWorkRule"].attrs["Arn"]
    )
    assert res["WorkQueue"].attrs["QueueName"] == "rt-prov-WorkQueue"

    bus = res["Bus"].ref
    assert bus == "rt-prov-bus"
    rule = events.describe_rule(Name=res["BusToWorkRule"].ref, EventBusName=bus)
    assert json.loads(rule["EventPattern"]) == {"source": ["fixture.source"]}
    targets = events.list_targets_by_rule(Rule=res["BusToWorkRule"].ref, EventBusName=bus)["Targets"]
    assert [t["Arn"] for t in targets] == [res["WorkQueue"].attrs["Arn"]]
    assert (
        events.describe_archive(ArchiveName=res["BusArchive"].ref)["EventSourceArn"]
        == res["Bus"].attrs["Arn"]
    )

    alarm = cloud.client("cloudwatch").describe_alarms(AlarmNames=[res["WorkDLQAlarm"].ref])["MetricAlarms"][
        0
    ]
    assert alarm["AlarmActions"] == []  # !If [HasAlarmTopic, ..., AWS::NoValue]
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": "rt-prov-WorkDLQ"}]

    assert res["Secret"].ref.startswith(
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:rt-prov/signing-key"
    )
    assert res["ApiFunction"].attrs["Arn"].endswith(":function:rt-prov-ApiFunction")


@pytest.mark.usefixtures("fake_credentials")
def test_non_sqs_rule_targets_are_refused(endpoint: str, tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(
        textwrap.dedent("""
        Resources:
          Rule:
            Type: AWS::Events::Rule
            Properties:
              EventPattern: {source: [x]}
              Targets: [{Id: fn, Arn: "arn:aws:lambda:us-east-1:123456789012:function:f"}]
    """)
    )
    with pytest.raises(TemplateError, match=r"Rule\.Properties\.Targets\[0\]: only SQS targets"):
        provision(Template(path, stack_name="rt-prov-bad"), Clients(endpoint, "us-east-1"))
