"""Issue 13 #5: every function, stream and API is alarmed, every alarm notifies someone, and a new version
of an API function takes traffic only through a canary that its alarms and a smoke test can stop."""

from __future__ import annotations

import json
import re

from hexa_infra.local.template import Template
from sam_template import TEMPLATE, load_template, transformed

API_FUNCTIONS = [
    "PartnerManagementApiFunction",
    "OnboardingApiFunction",
    "CampaignManagementApiFunction",
    "RecruitmentApiFunction",
]


def _resources() -> dict:
    return load_template()["Resources"]


def _of_type(kind: str) -> dict:
    return {lid: r for lid, r in _resources().items() if r["Type"] == kind}


def test_every_function_has_an_errors_and_throttles_alarm() -> None:
    resources = _resources()
    for lid, function in _of_type("AWS::Serverless::Function").items():
        alarm = resources[f"{lid}FailingAlarm"]
        assert alarm.get("Condition") == function.get("Condition"), lid
        metrics = {m["Id"]: m for m in alarm["Properties"]["Metrics"]}
        for metric_id, name in (("errors", "Errors"), ("throttles", "Throttles")):
            stat = metrics[metric_id]["MetricStat"]
            assert stat["Metric"] == {
                "Namespace": "AWS/Lambda",
                "MetricName": name,
                "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": lid}}],
            }, lid
            assert stat["Stat"] == "Sum"
        assert metrics["failures"]["Expression"] == "FILL(errors, 0) + FILL(throttles, 0)"
        assert alarm["Properties"]["Threshold"] == 1


def test_every_stream_consumer_has_an_iterator_age_alarm() -> None:
    resources = _resources()
    streamed = [
        lid
        for lid, f in _of_type("AWS::Serverless::Function").items()
        if any(e["Type"] == "DynamoDB" for e in (f["Properties"].get("Events") or {}).values())
    ]
    assert len(streamed) == 7
    for lid in streamed:
        props = resources[f"{lid}IteratorAgeAlarm"]["Properties"]
        assert (props["MetricName"], props["Statistic"]) == ("IteratorAge", "Maximum")
        assert props["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": lid}}]
        assert props["Threshold"] == 60000


def test_every_api_has_a_5xx_alarm_on_its_own_name_and_stage() -> None:
    resources = _resources()
    for api in ("HexaApi", "FacadeApi"):
        props = resources[f"{api}5xxAlarm"]["Properties"]
        assert props["Namespace"] == "AWS/ApiGateway" and props["MetricName"] == "5XXError"
        assert props["Dimensions"] == [
            {"Name": "ApiName", "Value": resources[api]["Properties"]["Name"]},
            {"Name": "Stage", "Value": {"Ref": "Stage"}},
        ]
        assert props["Statistic"] == "Average" and props["Threshold"] == 0.05


def test_every_alarm_notifies_a_topic_and_says_what_missing_data_means() -> None:
    alarms = _of_type("AWS::CloudWatch::Alarm")
    assert len(alarms) >= 23 + 19 + 7 + 2
    for lid, alarm in alarms.items():
        props = alarm["Properties"]
        assert props["AlarmActions"] == [
            {"Fn::If": ["HasAlarmTopic", {"Ref": "AlarmTopicArn"}, {"Ref": "AlarmTopic"}]}
        ], lid
        assert props["TreatMissingData"] in ("notBreaching", "missing", "breaching"), lid
    template = Template(TEMPLATE)  # by default the stack's own topic exists
    assert "AlarmTopic" in template.resources and "AlarmEmailSubscription" not in template.resources
    with_email = Template(TEMPLATE, parameter_overrides={"AlarmEmail": "oncall@example.com"})
    assert "AlarmEmailSubscription" in with_email.resources
    given = Template(
        TEMPLATE,
        parameter_overrides={
            "AlarmTopicArn": "arn:aws:sns:eu-west-1:1:ops",
            "AlarmEmail": "oncall@example.com",
        },
    )
    assert "AlarmTopic" not in given.resources and "AlarmEmailSubscription" not in given.resources


def test_api_functions_deploy_through_a_canary_stopped_by_their_alarms_and_a_smoke_test() -> None:
    resources = _resources()
    for lid in API_FUNCTIONS:
        props = resources[lid]["Properties"]
        assert props["AutoPublishAlias"] == "live"
        assert props["DeploymentPreference"] == {
            "Type": {"Ref": "DeploymentType"},
            "Alarms": [{"Ref": f"{lid}FailingAlarm"}, {"Ref": "HexaApi5xxAlarm"}],
            "Hooks": {"PreTraffic": {"Ref": "SmokeTestFunction"}},
        }
    assert load_template()["Parameters"]["DeploymentType"]["Default"] == "Canary10Percent5Minutes"
    cfn = transformed()["Resources"]
    for lid in API_FUNCTIONS:
        update = cfn[f"{lid}Aliaslive"]["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]
        assert update["BeforeAllowTrafficHook"] == {"Ref": "SmokeTestFunction"}
        group = cfn[f"{lid}DeploymentGroup"]["Properties"]
        assert {a["Name"]["Ref"] for a in group["AlarmConfiguration"]["Alarms"]} == {
            f"{lid}FailingAlarm",
            "HexaApi5xxAlarm",
        }
        assert group["AutoRollbackConfiguration"]["Enabled"] is True
    # every route of the platform's API invokes an alias, never $LATEST (__FunctionArn__: the authorizer)
    body = json.dumps(cfn["HexaApi"]["Properties"]["Body"])
    invoked = set(re.findall(r"functions/\$\{([\w.]+)\}/invocations", body)) - {"__FunctionArn__"}
    assert invoked == {f"{lid}Aliaslive" for lid in API_FUNCTIONS}


def test_the_smoke_test_may_be_invoked_by_codedeploy_and_knows_a_route_of_each_api_function() -> None:
    template = Template(TEMPLATE)
    props = template.properties("SmokeTestFunction")
    assert props["FunctionName"]["Fn::Sub"].startswith("CodeDeployHook_")  # AWSCodeDeployRoleForLambda's rule
    paths_text = props["Environment"]["Variables"]["SMOKE_PATHS"]["Fn::Sub"]
    paths = json.loads(re.sub(r"\$\{(\w+)\}", r"\1", paths_text))
    assert set(paths) == set(API_FUNCTIONS)
    for lid, path in paths.items():
        routes = {
            (e["Properties"]["Method"], e["Properties"]["Path"])
            for e in template.properties(lid)["Events"].values()
            if e["Type"] == "Api"
        }
        assert ("GET", path) in routes, lid
    invokable = {
        p["LambdaInvokePolicy"]["FunctionName"]["Ref"] for p in props["Policies"] if "LambdaInvokePolicy" in p
    }
    assert invokable == set(API_FUNCTIONS)
