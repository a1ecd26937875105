"""The pre-traffic hook's verdicts (functions/deploy_hooks): only a 200 JSON answer of the new version lets it
take traffic, and CodeDeploy always hears back exactly once, whatever went wrong."""

from __future__ import annotations

import json

import pytest

from lambda_modules import lambda_module

hooks = lambda_module("deploy_hooks")
EVENT = {"DeploymentId": "d-1", "LifecycleEventHookExecutionId": "e-1"}
PATHS = {"fn-partners": "/openapi/partner-management.json"}


class FakeDeployments:
    def __init__(self, target) -> None:  # noqa: ANN001
        self._target = target
        self.reports: list[tuple[str, str, bool]] = []

    def target(self, deployment_id: str):  # noqa: ANN201
        if isinstance(self._target, Exception):
            raise self._target
        return self._target

    def report(self, deployment_id: str, execution_id: str, succeeded: bool) -> None:
        self.reports.append((deployment_id, execution_id, succeeded))


def _run(answer, target=hooks.Target("fn-partners", "7")) -> tuple[bool, FakeDeployments, list]:  # noqa: ANN001
    seen: list = []

    def invoke(where, event):  # noqa: ANN001, ANN202
        seen.append((where, event))
        if isinstance(answer, Exception):
            raise answer
        return answer

    deployments = FakeDeployments(target)
    return hooks.pre_traffic(EVENT, deployments, PATHS, lambda: "tok", invoke), deployments, seen


def test_a_healthy_version_succeeds_and_is_invoked_at_that_version_with_a_token() -> None:
    ok, deployments, seen = _run({"statusCode": 200, "body": json.dumps({"openapi": "3.1.0"})})
    assert ok and deployments.reports == [("d-1", "e-1", True)]
    [(where, event)] = seen
    assert where == hooks.Target("fn-partners", "7")
    assert event["httpMethod"] == "GET" and event["resource"] == event["path"] == PATHS["fn-partners"]
    assert event["headers"]["Authorization"] == "Bearer tok"


@pytest.mark.parametrize(
    "answer",
    [
        {"statusCode": 500, "body": "{}"},
        {"statusCode": 401, "body": "{}"},
        {"statusCode": 200, "body": "<html>"},
        {"errorMessage": "Unable to import module 'app'"},
        RuntimeError("Task timed out after 15.00 seconds"),
    ],
)
def test_anything_but_a_200_json_answer_fails(answer) -> None:  # noqa: ANN001
    ok, deployments, _ = _run(answer)
    assert not ok and deployments.reports == [("d-1", "e-1", False)]


def test_a_function_without_a_smoke_route_or_an_unreadable_deployment_fails_and_is_reported() -> None:
    ok, deployments, seen = _run({"statusCode": 200, "body": "{}"}, target=hooks.Target("someone-else", "1"))
    assert not ok and not seen and deployments.reports == [("d-1", "e-1", False)]
    ok, deployments, _ = _run({"statusCode": 200, "body": "{}"}, target=ValueError("AccessDenied"))
    assert not ok and deployments.reports == [("d-1", "e-1", False)]


def test_the_codedeploy_adapter_reads_the_appspec_and_reports() -> None:
    appspec = {
        "version": 0.0,
        "Resources": [
            {
                "fn-partners": {
                    "Type": "AWS::Lambda::Function",
                    "Properties": {
                        "Name": "fn-partners",
                        "Alias": "live",
                        "CurrentVersion": "6",
                        "TargetVersion": "7",
                    },
                }
            }
        ],
    }

    class Client:
        calls: list = []

        def get_deployment(self, deploymentId: str) -> dict:  # noqa: N803 - boto3's names
            return {"deploymentInfo": {"revision": {"appSpecContent": {"content": json.dumps(appspec)}}}}

        def put_lifecycle_event_hook_execution_status(self, **kwargs) -> None:  # noqa: ANN003
            self.calls.append(kwargs)

    client = Client()
    adapter = hooks.CodeDeployDeployments(client)
    assert adapter.target("d-1") == hooks.Target("fn-partners", "7")
    adapter.report("d-1", "e-1", False)
    assert client.calls == [
        {"deploymentId": "d-1", "lifecycleEventHookExecutionId": "e-1", "status": "Failed"}
    ]
