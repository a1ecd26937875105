"""template.yaml is valid CloudFormation/SAM, and it — not the code — decides what exists."""

from __future__ import annotations

from pathlib import Path

import requests

from hexa_infra.local.process import local_cloud

from sam_template import TEMPLATE, load_template, transformed

ROOT = Path(__file__).resolve().parents[2]


def api_events(template: dict) -> dict[str, set[tuple[str, str]]]:
    routes: dict[str, set[tuple[str, str]]] = {}
    for lid, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in (resource["Properties"].get("Events") or {}).values():
            if event["Type"] == "Api":
                routes.setdefault(lid, set()).add(
                    (event["Properties"]["Method"].upper(), event["Properties"]["Path"])
                )
    return routes


def test_cfn_lint_is_clean() -> None:
    from cfnlint.api import lint_file

    matches = lint_file(TEMPLATE)
    assert [str(m) for m in matches] == []


def test_sam_transform_succeeds_offline() -> None:
    cfn = transformed()
    types = {r["Type"] for r in cfn["Resources"].values()}
    assert {
        "AWS::Lambda::Function",
        "AWS::Lambda::EventSourceMapping",
        "AWS::ApiGateway::RestApi",
        "AWS::Lambda::LayerVersion",
    } <= types
    mappings = [
        r["Properties"] for r in cfn["Resources"].values() if r["Type"] == "AWS::Lambda::EventSourceMapping"
    ]
    assert mappings and all(m.get("FunctionResponseTypes") == ["ReportBatchItemFailures"] for m in mappings)
    functions = [r["Properties"] for r in cfn["Resources"].values() if r["Type"] == "AWS::Lambda::Function"]
    assert all(f["TracingConfig"] == {"Mode": "Active"} for f in functions)


def test_every_dlq_has_an_alarm_and_every_queue_a_dlq_with_five_receives() -> None:
    resources = load_template()["Resources"]
    queues = {lid for lid, r in resources.items() if r["Type"] == "AWS::SQS::Queue"}
    dlqs = {
        r["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for r in resources.values()
        if r["Type"] == "AWS::SQS::Queue" and "RedrivePolicy" in r["Properties"]
    }
    for r in resources.values():
        if r["Type"] == "AWS::SQS::Queue" and "RedrivePolicy" in r["Properties"]:
            assert r["Properties"]["RedrivePolicy"]["maxReceiveCount"] == 5
    on_failure = {
        e["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
        for r in resources.values()
        if r["Type"] == "AWS::Serverless::Function"
        for e in (r["Properties"].get("Events") or {}).values()
        if "DestinationConfig" in e["Properties"]
    }
    alarmed = {
        dim["Value"]["Fn::GetAtt"][0]
        for r in resources.values()
        if r["Type"] == "AWS::CloudWatch::Alarm" and r["Properties"].get("Namespace") == "AWS/SQS"
        for dim in r["Properties"]["Dimensions"]
    }
    assert dlqs | on_failure == queues - {q for q in queues if "RedrivePolicy" in resources[q]["Properties"]}
    assert alarmed == dlqs | on_failure


def test_code_routes_and_template_routes_are_the_same(cloud) -> None:  # noqa: ANN001
    """Every Chalice route is declared in the template for its function, and nothing else is."""
    template = load_template()
    declared = api_events(template)
    for lid, routes in declared.items():
        if template["Resources"][lid].get("Condition") == "Coexisting":
            continue  # the facade: one proxy route, not a Chalice app
        app = cloud.functions[lid].handler
        in_code = {(method, path) for path, methods in app.routes.items() for method in methods}
        assert in_code == routes, lid


def test_a_route_removed_from_the_template_vanishes(tmp_path: Path) -> None:
    """Start the real runtime (a separate process) on a copy of the template without one route.

    The same process also proves `hexa up --fault`: Recruitment is down, the others answer."""
    text = TEMPLATE.read_text()
    line = next(l for l in text.splitlines() if "GetContractEvents:" in l)
    copy_path = tmp_path / "template.yaml"
    copy_path.write_text(text.replace(line + "\n", ""))
    for folder in ("functions", "shared"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    with local_cloud(
        "hexa-vanish",
        "--template",
        str(copy_path),
        "--fault",
        "RecruitmentApiFunction=down",
        start_timeout=60,
        cwd=tmp_path,
    ) as info:  # stopping is part of the test: CloudDidNotStop fails it
        auth = {"Authorization": f"Bearer {info['admin_token']}"}
        cid = "0b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a4b"
        gone = requests.get(f"{info['api_url']}/contracts/{cid}/events", headers=auth, timeout=10)
        kept = requests.get(f"{info['api_url']}/contracts/{cid}", headers=auth, timeout=10)
        assert gone.status_code == 404 and gone.json()["error"]["code"] == "route_not_found"
        assert (
            kept.status_code == 404 and kept.json()["error"]["code"] == "not_found"
        )  # served by the handler
        stopped = requests.get(f"{info['api_url']}/jobs", headers=auth, timeout=10)
        assert stopped.status_code == 503 and stopped.json()["error"]["code"] == "service_unavailable"


def test_event_sources_and_rules_running_are_exactly_the_templates(cloud) -> None:  # noqa: ANN001
    """Every poller the runtime runs, and every rule on the bus, is declared in the template."""
    resources = load_template()["Resources"]
    declared_sources = {
        (lid, name)
        for lid, r in resources.items()
        if r["Type"] == "AWS::Serverless::Function"
        and ("Condition" not in r or cloud.template.condition(r["Condition"]))  # e.g. Coexisting
        for name, e in (r["Properties"].get("Events") or {}).items()
        if e["Type"] in ("SQS", "DynamoDB")
    }
    running = {(p.mapping.function, p.mapping.event_name) for p in cloud.pollers}
    assert running == declared_sources
    declared_rules = {lid for lid, r in resources.items() if r["Type"] == "AWS::Events::Rule"}
    bus = cloud.resources["EventBus"].ref
    on_bus = {
        rule["Name"]
        for rule in cloud.client("events").list_rules(EventBusName=bus)["Rules"]
        if not rule["Name"].startswith(("test-tap-", "Events-Archive-"))
    }  # taps; the archive's managed rule
    assert on_bus == {cloud.resources[lid].ref for lid in declared_rules}
    for lid in declared_rules:
        targets = cloud.client("events").list_targets_by_rule(
            Rule=cloud.resources[lid].ref, EventBusName=bus
        )["Targets"]
        assert [t["Arn"] for t in targets] == [
            cloud.resources[t["Arn"]["Fn::GetAtt"][0]].attrs["Arn"]
            for t in resources[lid]["Properties"]["Targets"]
        ]
