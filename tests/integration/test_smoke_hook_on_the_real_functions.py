"""The pre-traffic smoke test against the real API functions of the running local cloud: each of the four
answers its smoke route with the hook's own token (signed with the stack's key), and one that fails
its route (a broken deploy) is reported Failed."""

from __future__ import annotations

import json
import os

from lambda_modules import lambda_module

hooks = lambda_module("deploy_hooks")


class Recorded:
    def __init__(self, target) -> None:  # noqa: ANN001
        self._target, self.reports = target, []

    def target(self, deployment_id: str):  # noqa: ANN201
        return self._target

    def report(self, deployment_id: str, execution_id: str, succeeded: bool) -> None:
        self.reports.append(succeeded)


def test_every_api_function_passes_its_smoke_test(cloud) -> None:  # noqa: ANN001
    paths = json.loads(os.environ["SMOKE_PATHS"])  # the template's value, resolved by the local cloud
    by_name = {cloud.resources[lid].ref: lid for lid in cloud.functions}
    assert {by_name[name] for name in paths} == {
        "PartnerManagementApiFunction",
        "OnboardingApiFunction",
        "CampaignManagementApiFunction",
        "RecruitmentApiFunction",
    }
    for name in paths:
        deployments = Recorded(hooks.Target(name, "2"))
        ok = hooks.pre_traffic(
            {"DeploymentId": "d", "LifecycleEventHookExecutionId": "e"},
            deployments,
            paths,
            hooks._token,
            lambda target, event: cloud.invoke(by_name[target.function], event),
        )
        assert ok and deployments.reports == [True], name


def test_a_version_that_cannot_verify_tokens_fails(cloud) -> None:  # noqa: ANN001
    paths = json.loads(os.environ["SMOKE_PATHS"])
    name = next(iter(paths))
    by_name = {cloud.resources[lid].ref: lid for lid in cloud.functions}
    deployments = Recorded(hooks.Target(name, "3"))
    forged = lambda: hooks.issue_token(
        "not-the-stacks-key" * 4,
        role="admin",
        issuer="hexabuilders",  # noqa: E731
        audience="hexabuilders-api",
    )
    ok = hooks.pre_traffic(
        {"DeploymentId": "d", "LifecycleEventHookExecutionId": "e"},
        deployments,
        paths,
        forged,
        lambda target, event: cloud.invoke(by_name[target.function], event),
    )
    assert not ok and deployments.reports == [False]
