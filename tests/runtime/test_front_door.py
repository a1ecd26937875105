"""The local gateway enforces the template's front door (issue 13 #3): the Lambda TOKEN authorizer runs
before any function, its refusals are the API's GatewayResponses, its policy is cached per token and
checked again per method ARN, open routes stay open, and MethodSettings' throttling answers 429.

A private copy of the runtime fixture gets an authorizer whose behaviour the token picks, so every
branch of API Gateway's contract is driven for real through the local gateway's socket."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hexa_infra.local.cloud import LocalCloud
from hexa_infra.local.front_door import TokenBucket

AUTHORIZER = """
import json, os

def authorize(event, context):
    with open(os.path.join(os.path.dirname(__file__), "calls.log"), "a") as calls:
        calls.write(json.dumps(event) + "\\n")
    token = event["authorizationToken"]
    stage = "/".join(event["methodArn"].split("/")[:2])
    if token == "unauthorized":
        raise Exception("Unauthorized")
    if token == "explode":
        raise RuntimeError("the key store is down")
    if token == "deny":
        return {"principalId": "x", "context": {"error": "token expired"},
                "policyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": event["methodArn"]}]}}
    resource = stage + "/GET/echo" if token == "echo-only" else stage + "/*"
    return {"principalId": "user-" + token, "context": {"role": "admin", "partner_id": ""},
            "policyDocument": {"Version": "2012-10-17", "Statement": [
                {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": resource}]}}
"""

FRONT_DOOR = """
  FixtureApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: !Ref Stage
      Auth:
        DefaultAuthorizer: Tokens
        Authorizers:
          Tokens:
            FunctionArn: !GetAtt AuthorizerFunction.Arn
            Identity: {Header: Authorization, ReauthorizeEvery: 300}
      GatewayResponses:
        UNAUTHORIZED:
          StatusCode: 401
          ResponseParameters: {Headers: {WWW-Authenticate: "'Bearer'"}}
          ResponseTemplates: {application/json: '{"error": {"code": "unauthorized", "message": "missing"}}'}
        ACCESS_DENIED:
          StatusCode: 401
          ResponseTemplates:
            application/json: '{"error": {"code": "unauthorized", "message": "$context.authorizer.error"}}'
        THROTTLED:
          StatusCode: 429
          ResponseTemplates:
            application/json: '{"error": {"code": "throttled", "request": "$context.requestId"}}'
      MethodSettings:
        - {ResourcePath: "/*", HttpMethod: "*",
           ThrottlingRateLimit: !Ref Rate, ThrottlingBurstLimit: !Ref Burst}

  AuthorizerFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: authorizer/
      Handler: app.authorize
"""


def _front_door_fixture(fixture_copy: Path) -> Path:
    text = fixture_copy.read_text()
    old_api = (
        "\n  FixtureApi:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: !Ref Stage\n"
    )
    assert old_api in text
    text = text.replace(old_api, FRONT_DOOR)
    text = text.replace("Path: /any, Method: ANY}", "Path: /any, Method: ANY, Auth: {Authorizer: NONE}}")
    text = text.replace(
        "Parameters:\n",
        "Parameters:\n  Rate: {Type: Number, Default: 1000}\n  Burst: {Type: Number, Default: 1000}\n",
        1,
    )
    fixture_copy.write_text(text)
    (fixture_copy.parent / "authorizer").mkdir()
    (fixture_copy.parent / "authorizer" / "app.py").write_text(AUTHORIZER)
    return fixture_copy


@pytest.fixture
def guarded(fixture_copy: Path) -> Iterator[LocalCloud]:
    with LocalCloud(
        _front_door_fixture(fixture_copy),
        stack_name="rt-front",
        emulator_port=0,
        gateway_port=0,
        start_pollers=False,
    ) as running:
        yield running


def _calls(cloud: LocalCloud) -> list[dict]:
    log = cloud.template_path.parent / "authorizer" / "calls.log"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_no_token_is_refused_without_invoking_anything(guarded: LocalCloud, http) -> None:  # noqa: ANN001
    guarded.inject_fault("ApiFunction", down=True)  # reaching the function would be a 503
    answer = http(guarded.api_url, "GET", "/echo")
    assert answer.status == 401 and answer.json() == {"error": {"code": "unauthorized", "message": "missing"}}
    assert answer.header("WWW-Authenticate") == ["Bearer"]
    assert _calls(guarded) == []  # the authorizer was not called either
    assert http(guarded.api_url, "GET", "/echo", headers={"Authorization": "alice"}).status == 503


def test_a_denied_token_gets_the_authorizers_reason_and_the_function_is_not_invoked(guarded, http) -> None:  # noqa: ANN001
    guarded.inject_fault("ApiFunction", down=True)
    answer = http(guarded.api_url, "GET", "/echo", headers={"Authorization": "deny"})
    assert answer.status == 401 and answer.json()["error"]["message"] == "token expired"
    call = _calls(guarded)[0]
    assert call["type"] == "TOKEN" and call["authorizationToken"] == "deny"
    api_id = guarded.resources["FixtureApi"].ref
    assert call["methodArn"] == f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/test/GET/echo"


def test_an_allowed_token_reaches_the_function_with_the_authorizer_context_and_is_cached(
    guarded, http
) -> None:  # noqa: ANN001
    for path in ("/echo", "/items/special", "/echo"):
        answer = http(guarded.api_url, "GET", path, headers={"Authorization": "alice"})
        assert answer.status == 200, answer.body
        assert answer.json()["event"]["requestContext"]["authorizer"] == {
            "principalId": "user-alice",
            "role": "admin",
            "partner_id": "",
        }
    assert [c["authorizationToken"] for c in _calls(guarded)] == ["alice"]  # ReauthorizeEvery: one call


def test_a_cached_policy_is_checked_again_against_each_method(guarded, http) -> None:  # noqa: ANN001
    assert http(guarded.api_url, "GET", "/echo", headers={"Authorization": "echo-only"}).status == 200
    other = http(guarded.api_url, "GET", "/items", headers={"Authorization": "echo-only"})
    assert other.status == 401 and other.json()["error"]["message"] == ""  # ACCESS_DENIED, no reason given
    assert len(_calls(guarded)) == 1


def test_authorizer_failures(guarded, http) -> None:  # noqa: ANN001
    unauthorized = http(guarded.api_url, "GET", "/echo", headers={"Authorization": "unauthorized"})
    assert unauthorized.status == 401 and unauthorized.json()["error"]["message"] == "missing"
    broken = http(guarded.api_url, "GET", "/echo", headers={"Authorization": "explode"})
    assert broken.status == 500  # nothing is let through when the authorizer itself fails


def test_an_open_route_needs_no_token(guarded, http) -> None:  # noqa: ANN001
    answer = http(guarded.api_url, "POST", "/any")
    assert answer.status == 200 and "authorizer" not in answer.json()["event"]["requestContext"]
    assert _calls(guarded) == []


def test_throttling_comes_from_the_templates_method_settings(fixture_copy: Path, http) -> None:  # noqa: ANN001
    with LocalCloud(
        _front_door_fixture(fixture_copy),
        stack_name="rt-throttle",
        emulator_port=0,
        gateway_port=0,
        start_pollers=False,
        parameter_overrides={"Rate": 1, "Burst": 3},
    ) as cloud:
        statuses = [http(cloud.api_url, "POST", "/any").status for _ in range(5)]
        assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
        refused = http(cloud.api_url, "POST", "/any")
        assert refused.json()["error"]["code"] == "throttled"
        assert refused.json()["error"]["request"] == refused.header("x-amzn-RequestId")[0]
        time.sleep(1.1)  # one token a second
        assert http(cloud.api_url, "POST", "/any").status == 200


def test_the_token_bucket_refills_at_its_rate_up_to_its_burst() -> None:
    now = [0.0]
    bucket = TokenBucket(rate=2, burst=2, clock=lambda: now[0])
    assert [bucket.take() for _ in range(3)] == [True, True, False]
    now[0] = 0.5
    assert [bucket.take(), bucket.take()] == [True, False]
    now[0] = 100.0
    assert [bucket.take() for _ in range(3)] == [True, True, False]


def test_a_route_whose_authorizer_is_not_declared_stops_start_up(fixture_copy: Path) -> None:
    from hexa_infra.local.template import TemplateError

    template = _front_door_fixture(fixture_copy)
    template.write_text(
        template.read_text().replace("DefaultAuthorizer: Tokens", "DefaultAuthorizer: Nobody")
    )
    # the SAM transform (each function's IAM role is read from it) refuses it first, as `sam deploy` would;
    # the front door's own check (start-up, not the first request) stands behind it
    with pytest.raises(TemplateError, match=r"Nobody.*(is not declared|wasn't defined|not defined)"):
        LocalCloud(
            template, stack_name="rt-no-authorizer", emulator_port=0, gateway_port=0, start_pollers=False
        ).start()
