"""The API rejects before it invokes (issue 13 #3): after the SAM transform every route but health carries
the JWT authorizer, API Gateway's own refusals are the API's error shape, every route is throttled from
parameters, access logs go to a retained-retention group, and `sam deploy --guided` has nothing to ask
about authentication."""

from __future__ import annotations

import json

from hexa_infra.local.template import Template
from sam_template import TEMPLATE, load_template, transformed

OPEN_PATHS = {"/health"}


def _operations(body: dict):  # noqa: ANN202 - (path, method, operation), conditions unwrapped
    def unwrap(value):  # noqa: ANN001, ANN202
        while isinstance(value, dict) and "Fn::If" in value:
            value = value["Fn::If"][1]
        return value

    for path, methods in body["paths"].items():
        for method, operation in unwrap(methods).items():
            yield path, method, unwrap(operation)


def test_every_route_but_health_needs_the_jwt_authorizer_after_the_transform() -> None:
    apis = {
        lid: r for lid, r in transformed()["Resources"].items() if r["Type"] == "AWS::ApiGateway::RestApi"
    }
    assert set(apis) == {"HexaApi", "FacadeApi"}
    for lid, api in apis.items():
        body = api["Properties"]["Body"]
        authorizer = body["securityDefinitions"]["JwtAuthorizer"]["x-amazon-apigateway-authorizer"]
        assert authorizer["type"] == "token" and authorizer["authorizerResultTtlInSeconds"] == 300
        assert authorizer["authorizerUri"]["Fn::Sub"][1]["__FunctionArn__"] == {
            "Fn::GetAtt": ["AuthorizerFunction", "Arn"]
        }
        operations = list(_operations(body))
        assert len(operations) >= 2, lid
        for path, method, operation in operations:
            expected = [{"NONE": []}] if path in OPEN_PATHS else [{"JwtAuthorizer": []}]
            assert operation["security"] == expected, f"{lid} {method} {path}"


def test_the_gateways_refusals_are_the_apis_error_shape() -> None:
    responses = load_template()["Globals"]["Api"]["GatewayResponses"]
    expected = {
        "UNAUTHORIZED": ("401", "unauthorized"),
        "ACCESS_DENIED": ("401", "unauthorized"),
        "AUTHORIZER_FAILURE": ("503", "service_unavailable"),
        "THROTTLED": ("429", "throttled"),
    }
    assert set(responses) == set(expected)
    for kind, (status, code) in expected.items():
        template = responses[kind]["ResponseTemplates"]["application/json"]
        body = json.loads(template.replace("$context.authorizer.error", "token expired"))
        assert str(responses[kind]["StatusCode"]) == status and body["error"]["code"] == code, kind
        assert set(body["error"]) == {"code", "message", "details"}
    assert (
        json.loads(
            responses["ACCESS_DENIED"]["ResponseTemplates"]["application/json"].replace(
                "$context.authorizer.error", "x"
            )
        )["error"]["message"]
        == "x"
    )  # the authorizer's reason


def test_throttling_and_access_logs_on_every_stage() -> None:
    stages = [r for r in transformed()["Resources"].values() if r["Type"] == "AWS::ApiGateway::Stage"]
    assert len(stages) == 2
    for stage in stages:
        props = stage["Properties"]
        [setting] = props["MethodSettings"]
        assert (setting["ResourcePath"], setting["HttpMethod"]) == ("/*", "*")
        assert setting["ThrottlingRateLimit"] == {"Ref": "ApiThrottlingRateLimit"}
        assert setting["ThrottlingBurstLimit"] == {"Ref": "ApiThrottlingBurstLimit"}
        assert props["AccessLogSetting"]["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
        fields = json.loads(props["AccessLogSetting"]["Format"])
        assert {"requestId", "status", "principal", "authorizerError", "latencyMs"} <= set(fields)
    resources = load_template()["Resources"]
    assert resources["ApiAccessLogGroup"]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    account = resources["ApiGatewayAccount"]
    assert account["DeletionPolicy"] == "Retain"  # other APIs of the account keep logging after a delete
    assert resources["HexaApi"]["DependsOn"] == "ApiGatewayAccount"


def test_sam_deploy_guided_has_no_security_question() -> None:
    """SAM CLI's guided deploy asks "<Function> has no authentication. Is this okay?" for every Api event
    without ``Auth`` whose API has no ``Auth`` (Globals merged), and for every function URL of
    ``AuthType: NONE`` (samcli.commands.deploy.auth_utils); `make package` runs that very check too."""
    template = Template(TEMPLATE, parameter_overrides={"Coexistence": "enabled"})
    unauthenticated = []
    for lid in template.resources_of_type("AWS::Serverless::Function"):
        props = template.properties(lid)
        if (props.get("FunctionUrlConfig") or {}).get("AuthType") == "NONE":
            unauthenticated.append(f"{lid} Function Url")
        for name, event in (props.get("Events") or {}).items():
            if event.get("Type") != "Api":
                continue
            api = (event["Properties"].get("RestApiId") or {}).get("Ref", "ServerlessRestApi")
            api_auth = template.properties(api).get("Auth") if api in template.resources else None
            if not event["Properties"].get("Auth") and not api_auth:
                unauthenticated.append(f"{lid}.{name}")
    assert unauthenticated == []


def test_the_authorizer_verifies_with_the_functions_key_issuer_and_audience() -> None:
    template = Template(TEMPLATE)
    props = template.properties("AuthorizerFunction")
    env = props["Environment"]["Variables"]
    assert env["JWT_SECRET_ARN"] == {"Ref": "JwtSigningKey"}
    assert (env["JWT_ISSUER"], env["JWT_AUDIENCE"]) == ({"Ref": "JwtIssuer"}, {"Ref": "JwtAudience"})
    assert props["Policies"] == [
        {"AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": {"Ref": "JwtSigningKey"}}}
    ]
