"""Each function's IAM role, enforced on every AWS call its code makes: what AWS would refuse, refused here.

The emulator does not check IAM, so a function whose role lacks a permission works locally and fails in
AWS (a projector that could not read its own event store did, until this). The local runtime therefore
reads every function's role from the template *after the SAM transform* (the policy templates expanded
exactly as `sam deploy` expands them, resources resolved to what the local cloud provisioned) and, while
that function's handler runs, checks each botocore call it makes — pynamodb's included — against it: the
IAM action (``dynamodb:TransactWriteItems`` counts as each item's own action, as in AWS) on the resource
ARN the call names. A call no statement allows fails with AccessDeniedException, as it would in AWS.

Not modelled: Deny statements and conditions (the template has none), resource policies, calls made from
threads the handler starts itself (they do not inherit the function's context), HTTP calls signed by hand.
"""

from __future__ import annotations

import contextvars
import fnmatch
import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from .errors import TemplateError

log = logging.getLogger("hexa.local.iam")

# The AWS managed policies SAM attaches, as AWS publishes them (their statements are on Resource "*")
MANAGED_POLICY_ACTIONS: dict[str, tuple[str, ...]] = {
    "AWSLambdaBasicExecutionRole": ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"),
    "AWSXrayWriteOnlyAccess": (
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "xray:GetSamplingStatisticSummaries",
    ),
    "AWSLambdaDynamoDBExecutionRole": (
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    ),
    "AWSLambdaSQSQueueExecutionRole": (
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    ),
}
# botocore's endpoint prefix -> the IAM service prefix, where they differ
IAM_PREFIX = {"monitoring": "cloudwatch", "streams.dynamodb": "dynamodb"}
SECRET_SUFFIX = "-??????"  # Secrets Manager appends 6 random characters to a secret's name in its ARN
TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}


@dataclass(frozen=True)
class Statement:
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    managed: bool = False  # from an AWS managed policy (not the template's to narrow)

    def allows(self, action: str, resource: str) -> bool:
        return any(fnmatch.fnmatchcase(action.lower(), pattern.lower()) for pattern in self.actions) and any(
            _matches(resource, pattern) for pattern in self.resources
        )


@dataclass(frozen=True)
class FunctionPolicy:
    function: str
    role: str
    statements: tuple[Statement, ...]
    used: set[tuple[str, str]] = field(default_factory=set, compare=False, hash=False)

    def allows(self, action: str, resource: str) -> bool:
        return any(statement.allows(action, resource) for statement in self.statements)

    def unused_grants(self) -> list[str]:
        """Every ``action on resource`` the template grants that no call so far needed: where least
        privilege could go further, given calls enough (a report: a path no test took needs its grant too)."""
        unused = []
        for statement in (s for s in self.statements if not s.managed):
            for action in statement.actions:
                for resource in statement.resources:
                    grant = Statement((action,), (resource,))
                    if not any(grant.allows(*call) for call in self.used):
                        unused.append(f"{action} on {resource}")
        return unused


class AccessDenied(Exception):
    pass


_CURRENT: contextvars.ContextVar[FunctionPolicy | None] = contextvars.ContextVar(
    "hexa_function_policy", default=None
)
_install_lock = threading.Lock()
_installed = False


@contextmanager
def acting_as(policy: FunctionPolicy | None) -> Iterator[None]:
    """Every botocore call inside runs with ``policy``'s permissions (None: the local cloud itself)."""
    token = _CURRENT.set(policy)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def install() -> None:
    """Wraps botocore's one door to the wire (idempotent; a no-op unless a function is acting)."""
    global _installed
    with _install_lock:
        if _installed:
            return
        from botocore.client import BaseClient
        from botocore.exceptions import ClientError

        original = BaseClient._make_api_call

        def _make_api_call(client: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
            policy = _CURRENT.get()
            if policy is not None:
                meta = client.meta
                for action, resource in requests_of(
                    meta.service_model.endpoint_prefix,
                    operation_name,
                    api_params,
                    meta.region_name,
                    account_of(policy),
                ):
                    if not policy.allows(action, resource):
                        log.warning(
                            "%s: %s on %s refused, as AWS would: its role does not allow it",
                            policy.function,
                            action,
                            resource,
                        )
                        raise ClientError(
                            {
                                "Error": {
                                    "Code": "AccessDeniedException",
                                    "Message": (
                                        f"User: {policy.role}/{policy.function} is not authorized to "
                                        f"perform: {action} on "
                                        f"resource: {resource} because no identity-based policy allows the "
                                        f"{action} action"
                                    ),
                                },
                                "ResponseMetadata": {"HTTPStatusCode": 400},
                            },
                            operation_name,
                        )
                    policy.used.add((action, resource))
            return original(client, operation_name, api_params)

        BaseClient._make_api_call = _make_api_call
        _installed = True


def account_of(policy: FunctionPolicy) -> str:
    return policy.role.split(":")[4]


def requests_of(
    prefix: str, operation: str, params: Mapping[str, Any], region: str, account: str
) -> list[tuple[str, str]]:
    """The (IAM action, resource ARN) pairs AWS authorises for one API call."""
    service = IAM_PREFIX.get(prefix, prefix)
    arn = f"arn:aws:{service}:{region}:{account}"
    if service == "dynamodb":
        return _dynamodb(operation, params, arn)
    if service == "sqs" and "QueueUrl" in params:  # .../<account>/<name>
        owner, name = urlparse(params["QueueUrl"]).path.strip("/").split("/")[-2:]
        return [(f"sqs:{operation}", f"arn:aws:sqs:{region}:{owner}:{name}")]
    if service == "sqs" and "QueueName" in params:
        owner = params.get("QueueOwnerAWSAccountId") or account
        return [(f"sqs:{operation}", f"arn:aws:sqs:{region}:{owner}:{params['QueueName']}")]
    if service == "events" and operation == "PutEvents":
        buses = {entry.get("EventBusName") or "default" for entry in params.get("Entries", [])}
        return [
            ("events:PutEvents", bus if bus.startswith("arn:") else f"{arn}:event-bus/{bus}") for bus in buses
        ]
    if service == "secretsmanager" and "SecretId" in params:
        secret = params["SecretId"]
        return [
            (
                f"secretsmanager:{operation}",
                secret if secret.startswith("arn:") else f"{arn}:secret:{secret}{SECRET_SUFFIX}",
            )
        ]
    if service == "lambda" and "FunctionName" in params:
        name = params["FunctionName"]
        qualifier = f":{params['Qualifier']}" if params.get("Qualifier") else ""
        action = "lambda:InvokeFunction" if operation == "Invoke" else f"lambda:{operation}"
        return [(action, name if name.startswith("arn:") else f"{arn}:function:{name}{qualifier}")]
    return [(f"{service}:{operation}", "*")]


def _dynamodb(operation: str, params: Mapping[str, Any], arn: str) -> list[tuple[str, str]]:
    def table(name: str, index: str | None = None) -> str:
        base = name if name.startswith("arn:") else f"{arn}:table/{name}"
        return f"{base}/index/{index}" if index else base

    if operation in ("TransactWriteItems", "TransactGetItems"):
        pairs = []
        for item in params.get("TransactItems", []):
            for kind, body in item.items():
                pairs.append((f"dynamodb:{TRANSACT_ACTIONS[kind]}", table(body["TableName"])))
        return pairs
    if operation in ("BatchWriteItem", "BatchGetItem"):
        return [(f"dynamodb:{operation}", table(name)) for name in params.get("RequestItems", {})]
    if "TableName" in params:
        return [(f"dynamodb:{operation}", table(params["TableName"], params.get("IndexName")))]
    if "StreamArn" in params:
        return [(f"dynamodb:{operation}", params["StreamArn"])]
    return [(f"dynamodb:{operation}", "*")]


def _matches(resource: str, pattern: str) -> bool:
    if resource.endswith(
        SECRET_SUFFIX
    ):  # a secret named without its random suffix: any suffix the grant names
        return fnmatch.fnmatchcase(pattern, resource) or fnmatch.fnmatchcase(
            resource[:-7], pattern.rstrip("*")
        )
    return fnmatch.fnmatchcase(resource, pattern)


# ------------------------------------------------------------------------------------ from the template


def function_policies(
    transformed: Mapping[str, Any], resolve: Any, function_ids: list[str], role_arn: Any
) -> dict[str, FunctionPolicy]:
    """Each function's role as statements with resolved resources.

    ``resolve(value, where)`` resolves intrinsics against the local cloud's resources; ``role_arn(name)``
    names the role in messages. A resource that cannot be resolved (a resource of an inactive condition)
    allows nothing."""
    resources = transformed["Resources"]
    policies = {}
    for function in function_ids:
        role_ref = resources[function]["Properties"].get("Role", {})
        role_id = role_ref.get("Fn::GetAtt", [None])[0] if isinstance(role_ref, dict) else None
        if role_id not in resources:
            raise TemplateError(f"{function}: no role of its own in the transformed template ({role_ref!r})")
        role = resources[role_id]["Properties"]
        statements = [
            Statement(MANAGED_POLICY_ACTIONS[name], ("*",), managed=True)
            for name in (_managed_name(arn) for arn in role.get("ManagedPolicyArns", []))
            if name in MANAGED_POLICY_ACTIONS
        ]
        for policy in role.get("Policies", []):
            for raw in _as_list(policy["PolicyDocument"].get("Statement")):
                if raw.get("Effect", "Allow") != "Allow":
                    raise TemplateError(f"{role_id}: only Allow statements are modelled locally")
                targets = []
                for resource in _as_list(raw.get("Resource")):
                    try:
                        targets.append(str(resolve(resource, f"{role_id}.{policy['PolicyName']}")))
                    except TemplateError:
                        continue
                statements.append(Statement(tuple(map(str, _as_list(raw.get("Action")))), tuple(targets)))
        policies[function] = FunctionPolicy(function, role_arn(role_id), tuple(statements))
    return policies


def _managed_name(arn: Any) -> str:
    if isinstance(arn, dict) and "Fn::Sub" in arn:
        arn = arn["Fn::Sub"] if isinstance(arn["Fn::Sub"], str) else arn["Fn::Sub"][0]
    return str(arn).rsplit("/", 1)[-1]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
