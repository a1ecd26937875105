"""Template loading and intrinsic resolution (unit tests: no emulator)."""

from __future__ import annotations

import string
import textwrap
from pathlib import Path

import pytest

from hexa_infra.local.provisioner import dependency_order, generate_secret_string
from hexa_infra.local.resources import PhysicalResource, ResourceMap
from hexa_infra.local.template import Template, TemplateError, load_yaml

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "template.yaml"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def resources() -> ResourceMap:
    rm = ResourceMap()
    rm.add(
        PhysicalResource(
            "Queue",
            "AWS::SQS::Queue",
            "http://q/Queue",
            {"Arn": "arn:aws:sqs:us-east-1:123456789012:s-Queue", "QueueName": "s-Queue"},
        )
    )
    rm.add(
        PhysicalResource(
            "Table", "AWS::DynamoDB::Table", "s-Table", {"Arn": "arn:table", "StreamArn": "arn:stream"}
        )
    )
    return rm


BASIC = """
    Parameters:
      Stage: {Type: String, Default: dev, AllowedPattern: "[a-z]+"}
      Topic: {Type: String, Default: ""}
      Zones: {Type: CommaDelimitedList, Default: "a,b"}
    Conditions:
      HasTopic: !Not [!Equals [!Ref Topic, ""]]
      IsProd: !Equals [!Ref Stage, prod]
      ProdWithTopic: !And [!Condition IsProd, !Condition HasTopic]
    Mappings:
      Sizes: {dev: {mem: "128"}}
    Globals:
      Function:
        Timeout: 5
        Layers: [!Ref Layer]
        Environment:
          Variables: {A: global-a, B: !Ref Table}
    Resources:
      Layer: {Type: AWS::Serverless::LayerVersion, Properties: {ContentUri: layer/}}
      Table: {Type: AWS::DynamoDB::Table, Properties: {}}
      Queue:
        Type: AWS::SQS::Queue
        Properties:
          RedrivePolicy: {deadLetterTargetArn: !GetAtt DLQ.Arn, maxReceiveCount: 3}
      DLQ: {Type: AWS::SQS::Queue}
      Rule:
        Type: AWS::Events::Rule
        Properties:
          Targets: [{Id: t, Arn: !GetAtt Queue.Arn}]
      Policy:
        Type: AWS::SQS::QueuePolicy
        Properties:
          Queues: [!Ref Queue]
          PolicyDocument: {Condition: {ArnEquals: {src: !GetAtt Rule.Arn}}}
      ProdQueue: {Type: AWS::SQS::Queue, Condition: IsProd}
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          Timeout: 9
          Layers: [extra]
          Environment:
            Variables: {A: fn-a, C: !Sub "${AWS::StackName}-c"}
"""


def test_short_tags_become_long_form(tmp_path: Path) -> None:
    data = load_yaml(
        write(
            tmp_path,
            """
        A: !Ref X
        B: !GetAtt X.Arn
        C: !GetAtt [X, Arn]
        D: !Sub "${X}"
        E: !Sub ["${v}", {v: !Ref Y}]
        F: !Join [",", [a, b]]
        G: !Select [0, !Split [",", "a,b"]]
        H: !If [Cond, 1, 2]
        I: !And [!Not [!Equals [a, b]], !Or [!Condition C1, !Condition C2]]
        J: !FindInMap [M, a, b]
        K: !Base64 abc
        L: !ImportValue other
        M: !GetAZs ""
        N: 2010-09-09
    """,
        )
    )
    assert data["A"] == {"Ref": "X"}
    assert data["B"] == data["C"] == {"Fn::GetAtt": ["X", "Arn"]}
    assert data["D"] == {"Fn::Sub": "${X}"}
    assert data["E"] == {"Fn::Sub": ["${v}", {"v": {"Ref": "Y"}}]}
    assert data["G"] == {"Fn::Select": [0, {"Fn::Split": [",", "a,b"]}]}
    assert data["I"]["Fn::And"][1] == {"Fn::Or": [{"Condition": "C1"}, {"Condition": "C2"}]}
    assert data["L"] == {"Fn::ImportValue": "other"}
    assert data["M"] == {"Fn::GetAZs": ""}
    assert data["N"] == "2010-09-09"  # not a datetime.date


def test_refs_pseudo_parameters_and_getatt(tmp_path: Path, resources: ResourceMap) -> None:
    t = Template(write(tmp_path, BASIC), stack_name="s", region="eu-west-1")
    r = lambda v: t.resolve(v, resources)  # noqa: E731
    assert r({"Ref": "Stage"}) == "dev"
    assert r({"Ref": "Zones"}) == ["a", "b"]
    assert r({"Ref": "AWS::Region"}) == "eu-west-1"
    assert r({"Ref": "AWS::AccountId"}) == "123456789012"
    assert r({"Ref": "AWS::StackName"}) == "s"
    assert r({"Ref": "AWS::Partition"}) == "aws"
    assert r({"Ref": "AWS::URLSuffix"}) == "amazonaws.com"
    assert r({"Ref": "Queue"}) == "http://q/Queue"
    assert r({"Fn::GetAtt": ["Table", "StreamArn"]}) == "arn:stream"
    assert r({"Fn::GetAtt": "Queue.QueueName"}) == "s-Queue"
    assert r({"Fn::FindInMap": ["Sizes", {"Ref": "Stage"}, "mem"]}) == "128"
    assert r({"Fn::GetAZs": ""})[0] == "eu-west-1a"


def test_sub_join_select_split_if_and_novalue(tmp_path: Path, resources: ResourceMap) -> None:
    t = Template(write(tmp_path, BASIC), stack_name="s")
    r = lambda v: t.resolve(v, resources)  # noqa: E731
    assert (
        r({"Fn::Sub": "${AWS::StackName}-${Stage}/${Queue.QueueName}/${!Literal}"})
        == "s-dev/s-Queue/${Literal}"
    )
    assert r({"Fn::Sub": ["${a}-${Table}", {"a": {"Ref": "Stage"}}]}) == "dev-s-Table"
    assert r({"Fn::Join": ["-", ["x", {"Ref": "Stage"}, {"Ref": "AWS::NoValue"}]]}) == "x-dev"
    assert r({"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]}) == "b"
    assert r({"Fn::If": ["IsProd", "p", "np"]}) == "np"
    assert r({"Fn::Not": [{"Fn::Equals": [{"Ref": "Stage"}, "dev"]}]}) is False
    assert r({"Fn::Or": [{"Condition": "IsProd"}, {"Fn::Equals": ["a", "a"]}]}) is True
    # AWS::NoValue drops the key / list item; a top-level NoValue is None.
    assert r({"keep": 1, "drop": {"Fn::If": ["HasTopic", ["t"], {"Ref": "AWS::NoValue"}]}}) == {"keep": 1}
    assert r(["a", {"Ref": "AWS::NoValue"}, "b"]) == ["a", "b"]
    assert r({"Ref": "AWS::NoValue"}) is None
    assert r({"Fn::Base64": "hi"}) == "aGk="


def test_conditions_select_resources(tmp_path: Path) -> None:
    path = write(tmp_path, BASIC)
    dev = Template(path)
    assert dev.conditions == {"HasTopic": False, "IsProd": False, "ProdWithTopic": False}
    assert "ProdQueue" not in dev.resources and "ProdQueue" in dev.all_resources
    prod = Template(path, parameter_overrides={"Stage": "prod", "Topic": "arn:topic"})
    assert prod.conditions["ProdWithTopic"] is True
    assert "ProdQueue" in prod.resources
    with pytest.raises(TemplateError, match="Condition is false"):
        dev.resolve({"Ref": "ProdQueue"}, ResourceMap(), where="Fn.Properties.X")


def test_globals_are_merged_function_wins(tmp_path: Path) -> None:
    t = Template(write(tmp_path, BASIC))
    props = t.properties("Fn")
    assert props["Timeout"] == 9
    assert props["Layers"] == [{"Ref": "Layer"}, "extra"]  # lists: Globals first, then the function's
    assert props["Environment"]["Variables"] == {
        "A": "fn-a",
        "B": {"Ref": "Table"},
        "C": {"Fn::Sub": "${AWS::StackName}-c"},
    }


def test_errors_name_the_resource_and_property(tmp_path: Path, resources: ResourceMap) -> None:
    t = Template(write(tmp_path, BASIC))
    with pytest.raises(TemplateError, match=r"Fn\.Properties\.X: intrinsic Fn::ImportValue is not supported"):
        t.resolve({"Fn::ImportValue": "shared"}, resources, where="Fn.Properties.X")
    with pytest.raises(TemplateError, match="Nope"):
        t.resolve({"Ref": "Nope"}, resources, where="Fn.Properties.Y")
    with pytest.raises(TemplateError, match=r"GetAtt Queue\.Bogus is not supported.*Arn, QueueName"):
        t.resolve({"Fn::GetAtt": ["Queue", "Bogus"]}, resources)
    with pytest.raises(TemplateError, match=r"DLQ .* has not been provisioned"):
        t.resolve({"Fn::GetAtt": ["DLQ", "Arn"]}, resources)


def test_parameter_overrides_are_validated(tmp_path: Path) -> None:
    path = write(tmp_path, BASIC)
    with pytest.raises(TemplateError, match="AllowedPattern"):
        Template(path, parameter_overrides={"Stage": "UPPER"})
    with pytest.raises(TemplateError, match="undeclared"):
        Template(path, parameter_overrides={"Nope": "x"})


def test_dependency_order_puts_referenced_resources_first(tmp_path: Path) -> None:
    order = dependency_order(Template(write(tmp_path, BASIC)))
    assert order.index("DLQ") < order.index("Queue") < order.index("Rule") < order.index("Policy")
    assert order.index("Table") < order.index("Fn") and order.index("Layer") < order.index("Fn")
    assert "ProdQueue" not in order


def test_generated_secret_strings() -> None:
    value = generate_secret_string({"PasswordLength": 64, "ExcludePunctuation": True})
    assert len(value) == 64 and set(value) <= set(string.ascii_letters + string.digits)
    assert generate_secret_string({"PasswordLength": 64}) != generate_secret_string({"PasswordLength": 64})
    doc = generate_secret_string({"SecretStringTemplate": '{"user": "u"}', "GenerateStringKey": "pw"})
    assert '"user": "u"' in doc and '"pw"' in doc


def test_project_template_is_readable() -> None:
    """The real template.yaml parses and orders (its handlers are not loaded here)."""
    template = Template(REPO / "template.yaml")
    assert set(dependency_order(template)) == set(template.resources)
