"""``SmokeTestFunction``: CodeDeploy's pre-traffic hook for the API functions (``DeploymentPreference``).

Before a new version of an API function takes any traffic, CodeDeploy calls this with the deployment's
id. The hook reads the deployment's AppSpec (which function, which new version), invokes *that version*
with an API Gateway event for a route that touches the function's whole stack — its OpenAPI document:
the handler, its imports, the layer, the token check with the stack's key — and reports Succeeded
only for a 200 with a JSON body. Anything else (an error, a timeout, a 4xx/5xx, a body that is not
JSON) is Failed, and CodeDeploy keeps the old version on the alias.

The function's name starts with ``CodeDeployHook_``: the role SAM gives CodeDeploy may only invoke such
functions.
"""

from __future__ import annotations

import functools
import json
import os
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Protocol

from hexa_shared.auth import issue_token, issuer_and_audience_from_env, signing_key_from_env
from hexa_shared.observability import logger

log = logger("deploy-hooks")


@dataclass(frozen=True)
class Target:
    function: str
    version: str


class Deployments(Protocol):
    def target(self, deployment_id: str) -> Target: ...
    def report(self, deployment_id: str, execution_id: str, succeeded: bool) -> None: ...


Invoke = Callable[[Target, dict[str, Any]], dict[str, Any]]


def smoke_event(path: str, token: str) -> dict[str, Any]:
    """A REST proxy event for ``GET path`` as API Gateway would send it (the route's resource = its path)."""
    request_id = str(uuid.uuid4())
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/json",
        "User-Agent": "hexa-smoke-test",
    }
    return {
        "resource": path,
        "path": path,
        "httpMethod": "GET",
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "body": None,
        "isBase64Encoded": False,
        "requestContext": {
            "resourcePath": path,
            "httpMethod": "GET",
            "path": path,
            "stage": "smoke",
            "requestId": request_id,
            "identity": {"sourceIp": "127.0.0.1"},
        },
    }


def smoke_test(target: Target, path: str, token: str, invoke: Invoke) -> str | None:
    """None if the version answers ``GET path`` with 200 and JSON, else what went wrong."""
    try:
        answer = invoke(target, smoke_event(path, token))
    except Exception as failure:  # noqa: BLE001 - any failure of the new version is a failed smoke test
        return f"invocation failed: {failure}"
    status = answer.get("statusCode") if isinstance(answer, dict) else None
    if status != 200:
        return f"GET {path} answered {status}"
    try:
        json.loads(answer.get("body") or "")
    except ValueError:
        return f"GET {path} answered a body that is not JSON"
    return None


def pre_traffic(
    event: dict[str, Any],
    deployments: Deployments,
    paths: dict[str, str],
    token: Callable[[], str],
    invoke: Invoke,
) -> bool:
    """The hook: find the new version, smoke-test it, report to CodeDeploy; True if it may take traffic."""
    deployment_id, execution_id = event["DeploymentId"], event["LifecycleEventHookExecutionId"]
    failure: str | None
    try:
        target = deployments.target(deployment_id)
        path = paths.get(target.function)
        failure = (
            f"no smoke route for {target.function}"
            if path is None
            else smoke_test(target, path, token(), invoke)
        )
    except Exception as error:  # noqa: BLE001 - report, never leave CodeDeploy waiting for its timeout
        target, failure = None, f"could not run the smoke test: {error}"
    log.info(
        "pre-traffic smoke test",
        extra={"deployment": deployment_id, "target": str(target), "failure": failure},
    )
    deployments.report(deployment_id, execution_id, failure is None)
    return failure is None


class CodeDeployDeployments:
    """The deployment's AppSpec names the function and its new version; the verdict goes back to
    CodeDeploy."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def target(self, deployment_id: str) -> Target:
        info = self._client.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
        appspec = json.loads(info["revision"]["appSpecContent"]["content"])
        for resource in appspec["Resources"]:
            for spec in resource.values():
                props = spec["Properties"]
                return Target(function=str(props["Name"]), version=str(props["TargetVersion"]))
        raise ValueError(f"deployment {deployment_id} names no function")

    def report(self, deployment_id: str, execution_id: str, succeeded: bool) -> None:
        self._client.put_lifecycle_event_hook_execution_status(
            deploymentId=deployment_id,
            lifecycleEventHookExecutionId=execution_id,
            status="Succeeded" if succeeded else "Failed",
        )


def _lambda_invoke(target: Target, event: dict[str, Any]) -> dict[str, Any]:
    from hexa_shared.aws import client

    answer = client("lambda").invoke(
        FunctionName=target.function, Qualifier=target.version, Payload=json.dumps(event).encode()
    )
    if answer.get("FunctionError"):
        raise RuntimeError(answer["Payload"].read().decode()[:500])
    return json.loads(answer["Payload"].read())


@functools.lru_cache(maxsize=None)
def _deployments() -> CodeDeployDeployments:
    from hexa_shared.aws import client

    return CodeDeployDeployments(client("codedeploy"))


def _token() -> str:
    issuer, audience = issuer_and_audience_from_env()
    return issue_token(
        signing_key_from_env()(),
        role="admin",
        subject="smoke-test",
        issuer=issuer,
        audience=audience,
        ttl_seconds=120,
    )


def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    started = time.monotonic()
    ok = pre_traffic(event, _deployments(), json.loads(os.environ["SMOKE_PATHS"]), _token, _lambda_invoke)
    return {"succeeded": ok, "seconds": round(time.monotonic() - started, 3)}
