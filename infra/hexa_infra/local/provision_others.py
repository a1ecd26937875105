"""The provisioner's remaining types: Secrets Manager secrets, CloudWatch alarms, and the in-process ones.

Secrets use their resolved ``Name`` and keep the value of a reused secret; a generated value is
drawn from :mod:`secrets` like Secrets Manager would. Alarms are stored but never evaluated (moto).
Functions, APIs and layers only get names/ids/ARNs here: they run in-process (see ``functions.py``
and ``gateway.py``); API ids are deterministic so they stay stable across restarts of a stack.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import string
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from .provision_context import Creator, ProvisionContext, drop_none, find_or_create, is_true
from .resources import PhysicalResource
from .template import FUNCTION_TYPE, TemplateError

__all__ = ["CREATORS", "add_implicit_api", "generate_secret_string"]

log = logging.getLogger("hexa.local.provisioner")

# ------------------------------------------------------------------ Secrets Manager


def generate_secret_string(spec: dict[str, Any]) -> str:
    """A value for ``GenerateSecretString``, drawn from :mod:`secrets` like Secrets Manager would."""
    length = int(spec.get("PasswordLength", 32))
    excluded = set(str(spec.get("ExcludeCharacters", "")))
    classes = []
    if not is_true(spec.get("ExcludeLowercase")):
        classes.append(string.ascii_lowercase)
    if not is_true(spec.get("ExcludeUppercase")):
        classes.append(string.ascii_uppercase)
    if not is_true(spec.get("ExcludeNumbers")):
        classes.append(string.digits)
    if not is_true(spec.get("ExcludePunctuation")):
        classes.append(string.punctuation)
    if is_true(spec.get("IncludeSpace")):
        classes.append(" ")
    classes = ["".join(c for c in chars if c not in excluded) for chars in classes]
    classes = [c for c in classes if c]
    if not classes:
        raise TemplateError("GenerateSecretString excludes every character")
    alphabet = "".join(classes)
    value = [secrets.choice(alphabet) for _ in range(length)]
    if spec.get("RequireEachIncludedType", True) and length >= len(classes):
        positions = secrets.SystemRandom().sample(range(length), len(classes))
        for pos, chars in zip(positions, classes, strict=True):
            value[pos] = secrets.choice(chars)
    password = "".join(value)
    template, key = spec.get("SecretStringTemplate"), spec.get("GenerateStringKey")
    if template and key:
        document = json.loads(template)
        document[key] = password
        return json.dumps(document)
    return password


def create_secret(ctx: ProvisionContext, lid: str, props: dict[str, Any]) -> PhysicalResource:
    sm = ctx.clients("secretsmanager")
    name = ctx.name(lid, props, "Name")

    def create() -> str:
        value = ctx.r(lid, props.get("SecretString"), "SecretString")
        if value is None:
            spec = ctx.r(lid, props.get("GenerateSecretString"), "GenerateSecretString") or {}
            value = generate_secret_string(spec)
        return str(
            sm.create_secret(
                **drop_none(
                    Name=name,
                    SecretString=str(value),
                    Description=ctx.r(lid, props.get("Description"), "Description"),
                )
            )["ARN"]
        )

    arn, found = find_or_create(lambda: str(sm.describe_secret(SecretId=name)["ARN"]), create)
    if found:
        log.info("%s: reusing existing secret %s (value kept)", lid, name)
    return PhysicalResource(lid, "AWS::SecretsManager::Secret", arn, {"Id": arn})


# ------------------------------------------------------------------ CloudWatch Logs


def create_log_group(ctx: ProvisionContext, lid: str, props: dict[str, Any]) -> PhysicalResource:
    """The group and its retention, in the emulator (the local functions still log to stdout)."""
    logs = ctx.clients("logs")
    name = ctx.name(lid, props, "LogGroupName")
    try:
        logs.create_log_group(logGroupName=name)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ResourceAlreadyExistsException":
            raise
    retention = ctx.r(lid, props.get("RetentionInDays"), "RetentionInDays")
    if retention is not None:
        logs.put_retention_policy(logGroupName=name, retentionInDays=int(retention))
    return PhysicalResource(lid, "AWS::Logs::LogGroup", name, {"Arn": ctx.arn("logs", f"log-group:{name}:*")})


# ------------------------------------------------------------------ CloudWatch

_ALARM_CASTS: dict[str, Callable[[Any], Any]] = {
    "AlarmDescription": str,
    "ActionsEnabled": is_true,
    "AlarmActions": list,
    "OKActions": list,
    "InsufficientDataActions": list,
    "MetricName": str,
    "Namespace": str,
    "Statistic": str,
    "ExtendedStatistic": str,
    "Dimensions": list,
    "Period": int,
    "Unit": str,
    "EvaluationPeriods": int,
    "DatapointsToAlarm": int,
    "Threshold": float,
    "ComparisonOperator": str,
    "TreatMissingData": str,
    "EvaluateLowSampleCountPercentile": str,
    "Metrics": list,
    "ThresholdMetricId": str,
}


def create_alarm(ctx: ProvisionContext, lid: str, props: dict[str, Any]) -> PhysicalResource | None:
    name = ctx.name(lid, props, "AlarmName")
    kwargs: dict[str, Any] = {"AlarmName": name}
    for key, cast in _ALARM_CASTS.items():
        value = ctx.r(lid, props.get(key), key)
        if value is not None:
            kwargs[key] = cast(value)
    try:
        ctx.clients("cloudwatch").put_metric_alarm(**kwargs)
    except ClientError as exc:
        log.warning("%s: alarm not created (moto stores alarms but never evaluates them): %s", lid, exc)
        return None
    return PhysicalResource(
        lid, "AWS::CloudWatch::Alarm", name, {"Arn": ctx.arn("cloudwatch", f"alarm:{name}")}
    )


# ------------------------------------------------------------------ in-process resources


def _short_id(*parts: str, length: int = 10) -> str:
    """A deterministic, API-Gateway-looking id (stable across restarts of the same stack)."""
    digest = int(hashlib.sha256("/".join(parts).encode()).hexdigest(), 16)
    alphabet = string.digits + string.ascii_lowercase
    out = []
    for _ in range(length):
        digest, rem = divmod(digest, 36)
        out.append(alphabet[rem])
    return "".join(out)


def create_api(ctx: ProvisionContext, lid: str, props: dict[str, Any]) -> PhysicalResource:
    api_id = _short_id(ctx.t.stack_name, lid)
    return PhysicalResource(
        lid, "AWS::Serverless::Api", api_id, {"RootResourceId": _short_id(ctx.t.stack_name, lid, "root")}
    )


def add_implicit_api(ctx: ProvisionContext) -> None:
    """SAM's ``ServerlessRestApi``, created when an Api event has no RestApiId."""
    if "ServerlessRestApi" in ctx.t.resources:
        return
    for _, _, event in ctx.t.function_events("Api"):
        if "RestApiId" not in (event.get("Properties") or {}):
            ctx.resources.add(create_api(ctx, "ServerlessRestApi", {}))
            return


def create_layer(ctx: ProvisionContext, lid: str, props: dict[str, Any]) -> PhysicalResource:
    name = ctx.name(lid, props, "LayerName")
    return PhysicalResource(lid, "AWS::Serverless::LayerVersion", ctx.arn("lambda", f"layer:{name}:1"))


def create_function(ctx: ProvisionContext, lid: str, props: dict[str, Any]) -> PhysicalResource:
    name = ctx.name(lid, props, "FunctionName")
    return PhysicalResource(lid, FUNCTION_TYPE, name, {"Arn": ctx.arn("lambda", f"function:{name}")})


def create_topic(ctx: ProvisionContext, lid: str, props: dict[str, Any]) -> PhysicalResource:
    """An SNS topic (the alarms' notification target); Ref is its ARN, as in CloudFormation."""
    name = ctx.name(lid, props, "TopicName")
    arn = ctx.clients("sns").create_topic(Name=name)["TopicArn"]  # idempotent for one name
    return PhysicalResource(lid, "AWS::SNS::Topic", arn, {"TopicArn": arn, "TopicName": name})


def create_role(ctx: ProvisionContext, lid: str, props: dict[str, Any]) -> PhysicalResource:
    """A name and an ARN only: the emulator does not enforce IAM, and nothing local assumes the role."""
    name = ctx.name(lid, props, "RoleName")
    return PhysicalResource(
        lid, "AWS::IAM::Role", name, {"Arn": f"arn:aws:iam::{ctx.t.account_id}:role/{name}"}
    )


def accept_account_setting(ctx: ProvisionContext, lid: str, props: dict[str, Any]) -> None:
    """``AWS::ApiGateway::Account`` (the account's CloudWatch role for access logs): nothing to set locally,
    where the gateway writes no access logs."""
    return None


CREATORS: dict[str, Creator] = {
    "AWS::SNS::Topic": create_topic,
    "AWS::IAM::Role": create_role,
    "AWS::ApiGateway::Account": accept_account_setting,
    "AWS::SecretsManager::Secret": create_secret,
    "AWS::CloudWatch::Alarm": create_alarm,
    "AWS::Logs::LogGroup": create_log_group,
    "AWS::Serverless::Api": create_api,
    "AWS::Serverless::LayerVersion": create_layer,
    FUNCTION_TYPE: create_function,
}
