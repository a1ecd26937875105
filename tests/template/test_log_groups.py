"""Issue 13 #6: logs are not kept forever. Every function logs to its own group with the stack's
retention (LogRetentionDays), declared in the template, under the function's own condition; the local
runtime creates the same groups, with their retention, in the emulator."""

from __future__ import annotations

from sam_template import load_template


def test_every_function_logs_to_a_group_with_retention() -> None:
    resources = load_template()["Resources"]
    functions = {lid: r for lid, r in resources.items() if r["Type"] == "AWS::Serverless::Function"}
    assert len(functions) == 19
    for lid, function in functions.items():
        group_ref = function["Properties"]["LoggingConfig"]["LogGroup"]
        group = resources[group_ref["Ref"]]
        assert group["Type"] == "AWS::Logs::LogGroup", lid
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}, lid
        assert group.get("Condition") == function.get("Condition"), lid
    assert load_template()["Parameters"]["LogRetentionDays"]["Default"] == 30


def test_the_local_runtime_creates_them_with_their_retention(cloud) -> None:  # noqa: ANN001
    prefix = f"/hexabuilders/{cloud.stack_name}/"
    groups = cloud.client("logs").describe_log_groups(logGroupNamePrefix=prefix)["logGroups"]
    active = {lid for lid in cloud.functions} | {"api-access"}  # each function's, and the API's access log
    assert {g["logGroupName"].removeprefix(prefix) for g in groups} == active
    assert {g.get("retentionInDays") for g in groups} == {30}
