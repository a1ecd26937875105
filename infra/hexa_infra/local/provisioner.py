"""Create the template's resources in the endpoint, in dependency order, idempotently.

Why not CloudFormation: moto's CloudFormation cannot run the SAM transform and silently skips
alarms and more (TOOL-FACTS), so we read the template ourselves and call each service's API.
Every creator first looks for the resource and reuses it, so starting twice against a long-lived
endpoint (LocalStack, or a moto server left running) converges instead of failing.

Physical names: tables and queues are ``<stack>-<LogicalId>`` unless the template names them,
buses and secrets use their resolved ``Name``. Functions, APIs and layers only get names/ids here:
they run in-process (see ``functions.py`` and ``gateway.py``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import string
from collections.abc import Callable
from typing import Any, ClassVar

from botocore.exceptions import ClientError

from .aws import Clients, error_code
from .resources import PhysicalResource, ResourceMap
from .template import Template, TemplateError

__all__ = [
    "PhysicalResource", "ProvisionError", "ResourceMap", "dependency_order", "generate_secret_string", "provision",
]

log = logging.getLogger("hexa.local.provisioner")


class ProvisionError(RuntimeError):
    """The endpoint refused to create a resource the template needs."""


def dependency_order(template: Template) -> list[str]:
    """Active logical ids, each after everything it references (template order otherwise)."""
    deps = {lid: template.dependencies(lid) for lid in template.resources}
    order: list[str] = []
    done: set[str] = set()
    visiting: list[str] = []

    def visit(lid: str) -> None:
        if lid in done:
            return
        if lid in visiting:
            cycle = [*visiting[visiting.index(lid):], lid]
            raise TemplateError(f"circular dependency between resources: {' -> '.join(cycle)}")
        visiting.append(lid)
        for dep in sorted(deps[lid], key=list(template.resources).index):
            visit(dep)
        visiting.pop()
        done.add(lid)
        order.append(lid)

    for lid in template.resources:
        visit(lid)
    return order


def generate_secret_string(spec: dict[str, Any]) -> str:
    """A value for ``GenerateSecretString``, drawn from :mod:`secrets` like Secrets Manager would."""
    length = int(spec.get("PasswordLength", 32))
    excluded = set(str(spec.get("ExcludeCharacters", "")))
    classes = []
    if not _true(spec.get("ExcludeLowercase")):
        classes.append(string.ascii_lowercase)
    if not _true(spec.get("ExcludeUppercase")):
        classes.append(string.ascii_uppercase)
    if not _true(spec.get("ExcludeNumbers")):
        classes.append(string.digits)
    if not _true(spec.get("ExcludePunctuation")):
        classes.append(string.punctuation)
    if _true(spec.get("IncludeSpace")):
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


def _true(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _short_id(*parts: str, length: int = 10) -> str:
    """A deterministic, API-Gateway-looking id (stable across restarts of the same stack)."""
    digest = int(hashlib.sha256("/".join(parts).encode()).hexdigest(), 16)
    alphabet = string.digits + string.ascii_lowercase
    out = []
    for _ in range(length):
        digest, rem = divmod(digest, 36)
        out.append(alphabet[rem])
    return "".join(out)


def _drop_none(**kwargs: Any) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if v is not None}


class _Provisioner:
    """One provisioning run: resolves each resource's properties and calls its creator."""

    def __init__(self, template: Template, clients: Clients) -> None:
        self.t = template
        self.clients = clients
        self.resources = ResourceMap()
        self.partition = str(template.pseudo_parameter("AWS::Partition"))
        self.creators: dict[str, Callable[[str, dict[str, Any]], PhysicalResource | None]] = {
            "AWS::DynamoDB::Table": self.table,
            "AWS::SQS::Queue": self.queue,
            "AWS::SQS::QueuePolicy": self.queue_policy,
            "AWS::Events::EventBus": self.event_bus,
            "AWS::Events::Rule": self.rule,
            "AWS::Events::Archive": self.archive,
            "AWS::SecretsManager::Secret": self.secret,
            "AWS::CloudWatch::Alarm": self.alarm,
            "AWS::Serverless::Api": self.api,
            "AWS::Serverless::LayerVersion": self.layer,
            "AWS::Serverless::Function": self.function,
        }

    def run(self) -> ResourceMap:
        self._implicit_api()
        for lid in dependency_order(self.t):
            rtype = str(self.t.resources[lid].get("Type"))
            creator = self.creators.get(rtype)
            if creator is None:
                log.warning("%s: type %s is not emulated locally (skipped; Ref/GetAtt to it will fail)", lid, rtype)
                continue
            try:
                physical = creator(lid, self.t.properties(lid))
            except (TemplateError, ProvisionError):
                raise
            except ClientError as exc:
                raise ProvisionError(f"{lid} ({rtype}): {exc}") from exc
            if physical is not None:
                self.resources.add(physical)
                log.debug("provisioned %s (%s) -> %s", lid, rtype, physical.ref)
        return self.resources

    # ------------------------------------------------------------------ helpers

    def r(self, lid: str, value: Any, prop: str) -> Any:
        return self.t.resolve(value, self.resources, where=f"{lid}.Properties.{prop}")

    def name(self, lid: str, props: dict[str, Any], prop: str) -> str:
        given = self.r(lid, props.get(prop), prop)
        return str(given) if given else f"{self.t.stack_name}-{lid}"

    def arn(self, service: str, resource: str) -> str:
        return f"arn:{self.partition}:{service}:{self.t.region}:{self.t.account_id}:{resource}"

    # ------------------------------------------------------------------ DynamoDB

    def table(self, lid: str, props: dict[str, Any]) -> PhysicalResource:
        ddb = self.clients("dynamodb")
        name = self.name(lid, props, "TableName")
        p = {k: self.r(lid, props.get(k), k) for k in props if k != "TableName"}
        stream = p.get("StreamSpecification") or {}
        try:
            desc = ddb.describe_table(TableName=name)["Table"]
            log.info("%s: reusing existing table %s", lid, name)
            if stream.get("StreamViewType") and not desc.get("LatestStreamArn"):
                ddb.update_table(TableName=name, StreamSpecification={
                    "StreamEnabled": True, "StreamViewType": stream["StreamViewType"]})
        except ClientError as exc:
            if error_code(exc) != "ResourceNotFoundException":
                raise
            ddb.create_table(**self._table_args(name, p))
        ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        ttl = p.get("TimeToLiveSpecification") or {}
        if _true(ttl.get("Enabled")):
            try:
                ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={
                    "AttributeName": ttl["AttributeName"], "Enabled": True})
            except ClientError as exc:  # already enabled on a reused table
                log.debug("%s: TTL not updated: %s", lid, exc)
        desc = ddb.describe_table(TableName=name)["Table"]
        attrs = {"Arn": desc["TableArn"]}
        if desc.get("LatestStreamArn"):
            attrs["StreamArn"] = desc["LatestStreamArn"]
        return PhysicalResource(lid, "AWS::DynamoDB::Table", name, attrs)

    @staticmethod
    def _table_args(name: str, p: dict[str, Any]) -> dict[str, Any]:
        provisioned = p.get("BillingMode") == "PROVISIONED" or (
            "BillingMode" not in p and "ProvisionedThroughput" in p)

        def throughput(spec: dict[str, Any] | None) -> dict[str, int] | None:
            if not provisioned or not spec:
                return None
            return {"ReadCapacityUnits": int(spec["ReadCapacityUnits"]),
                    "WriteCapacityUnits": int(spec["WriteCapacityUnits"])}

        def index(spec: dict[str, Any], with_throughput: bool) -> dict[str, Any]:
            return _drop_none(
                IndexName=spec["IndexName"], KeySchema=spec["KeySchema"], Projection=spec["Projection"],
                ProvisionedThroughput=throughput(spec.get("ProvisionedThroughput")) if with_throughput else None)

        stream = p.get("StreamSpecification") or {}
        return _drop_none(
            TableName=name,
            AttributeDefinitions=p["AttributeDefinitions"],
            KeySchema=p["KeySchema"],
            BillingMode="PROVISIONED" if provisioned else "PAY_PER_REQUEST",
            ProvisionedThroughput=throughput(p.get("ProvisionedThroughput")),
            GlobalSecondaryIndexes=[index(g, True) for g in p.get("GlobalSecondaryIndexes") or []] or None,
            LocalSecondaryIndexes=[index(i, False) for i in p.get("LocalSecondaryIndexes") or []] or None,
            StreamSpecification={"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
            if stream.get("StreamViewType") else None,
        )

    # ------------------------------------------------------------------ SQS

    _QUEUE_ATTRIBUTES = (
        "DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds",
        "VisibilityTimeout", "RedrivePolicy", "RedriveAllowPolicy", "FifoQueue", "ContentBasedDeduplication",
        "DeduplicationScope", "FifoThroughputLimit", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds",
        "SqsManagedSseEnabled",
    )
    _OPTIONAL_QUEUE_ATTRIBUTES = ("SqsManagedSseEnabled", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds")

    def queue(self, lid: str, props: dict[str, Any]) -> PhysicalResource:
        sqs = self.clients("sqs")
        fifo = _true(self.r(lid, props.get("FifoQueue"), "FifoQueue"))
        name = self.name(lid, props, "QueueName")
        if fifo and not name.endswith(".fifo"):
            name += ".fifo"
        if len(name) > 80:
            raise TemplateError(f"{lid}: queue name {name!r} is longer than 80 characters; set QueueName")
        attributes: dict[str, str] = {}
        for key in self._QUEUE_ATTRIBUTES:
            value = self.r(lid, props.get(key), key)
            if value is None:
                continue
            if key == "RedrivePolicy" and isinstance(value, dict):
                value = dict(value)
                if "maxReceiveCount" in value:
                    value["maxReceiveCount"] = int(value["maxReceiveCount"])
            attributes[key] = (json.dumps(value) if isinstance(value, (dict, list))
                               else str(value).lower() if isinstance(value, bool) else str(value))
        url = self._ensure_queue(lid, name, attributes)
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return PhysicalResource(lid, "AWS::SQS::Queue", url, {"Arn": arn, "QueueName": name, "QueueUrl": url})

    def _ensure_queue(self, lid: str, name: str, attributes: dict[str, str]) -> str:
        sqs = self.clients("sqs")
        for attempt in range(2):
            try:
                try:
                    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
                except ClientError as exc:
                    if "NonExistentQueue" not in error_code(exc) and error_code(exc) != "QueueDoesNotExist":
                        raise
                    return str(sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"])
                mutable = {k: v for k, v in attributes.items() if k != "FifoQueue"}
                if mutable:
                    sqs.set_queue_attributes(QueueUrl=url, Attributes=mutable)
                log.info("%s: reusing existing queue %s", lid, name)
                return str(url)
            except ClientError as exc:
                optional = [k for k in self._OPTIONAL_QUEUE_ATTRIBUTES if k in attributes]
                if attempt or not optional or "Attribute" not in error_code(exc):
                    raise
                log.warning("%s: endpoint rejected %s (%s); creating the queue without them",
                            lid, ", ".join(optional), error_code(exc))
                for key in optional:
                    attributes.pop(key)
        raise AssertionError("unreachable")

    def queue_policy(self, lid: str, props: dict[str, Any]) -> PhysicalResource:
        sqs = self.clients("sqs")
        policy = json.dumps(self.r(lid, props.get("PolicyDocument"), "PolicyDocument"))
        for url in self.r(lid, props.get("Queues"), "Queues") or []:
            try:
                sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})
            except ClientError as exc:
                log.warning("%s: queue policy not applied to %s: %s", lid, url, exc)
        return PhysicalResource(lid, "AWS::SQS::QueuePolicy", f"{self.t.stack_name}-{lid}")

    # ------------------------------------------------------------------ EventBridge

    def event_bus(self, lid: str, props: dict[str, Any]) -> PhysicalResource:
        events = self.clients("events")
        name = str(self.r(lid, props.get("Name"), "Name"))
        try:
            arn = events.describe_event_bus(Name=name)["Arn"]
            log.info("%s: reusing existing event bus %s", lid, name)
        except ClientError as exc:
            if error_code(exc) != "ResourceNotFoundException":
                raise
            arn = events.create_event_bus(Name=name)["EventBusArn"]
        return PhysicalResource(lid, "AWS::Events::EventBus", name, {"Arn": arn, "Name": name})

    _TARGET_KEYS = ("Id", "Arn", "Input", "InputPath", "InputTransformer", "SqsParameters",
                    "DeadLetterConfig", "RetryPolicy", "RoleArn")

    def rule(self, lid: str, props: dict[str, Any]) -> PhysicalResource:
        events = self.clients("events")
        name = self.name(lid, props, "Name")[:64]
        targets = self.r(lid, props.get("Targets"), "Targets") or []
        for i, target in enumerate(targets):
            arn = str(target.get("Arn", ""))
            if arn.split(":")[2:3] != ["sqs"]:
                raise TemplateError(
                    f"{lid}.Properties.Targets[{i}]: only SQS targets are supported locally (a Lambda or SNS "
                    f"target makes every put_events on the bus fail in moto); got {arn!r}")
        pattern = self.r(lid, props.get("EventPattern"), "EventPattern")
        bus = self.r(lid, props.get("EventBusName"), "EventBusName") or "default"
        arn = events.put_rule(**_drop_none(
            Name=name,
            EventBusName=bus,
            EventPattern=json.dumps(pattern) if isinstance(pattern, (dict, list)) else pattern,
            ScheduleExpression=self.r(lid, props.get("ScheduleExpression"), "ScheduleExpression"),
            State=self.r(lid, props.get("State"), "State") or "ENABLED",
            Description=self.r(lid, props.get("Description"), "Description"),
        ))["RuleArn"]
        if targets:
            payload = [{k: t[k] for k in self._TARGET_KEYS if k in t} for t in targets]
            result = events.put_targets(Rule=name, EventBusName=bus, Targets=payload)
            if result.get("FailedEntryCount"):
                raise ProvisionError(f"{lid}: put_targets failed: {result.get('FailedEntries')}")
        return PhysicalResource(lid, "AWS::Events::Rule", name, {"Arn": arn})

    def archive(self, lid: str, props: dict[str, Any]) -> PhysicalResource | None:
        events = self.clients("events")
        given = self.r(lid, props.get("ArchiveName"), "ArchiveName")
        name = str(given) if given else "".join(
            c if c.isalnum() or c in "._-" else "-" for c in f"{self.t.stack_name}-{lid}")[:48]
        pattern = self.r(lid, props.get("EventPattern"), "EventPattern")
        try:
            try:
                arn = events.describe_archive(ArchiveName=name)["ArchiveArn"]
            except ClientError as exc:
                if error_code(exc) != "ResourceNotFoundException":
                    raise
                arn = events.create_archive(**_drop_none(
                    ArchiveName=name,
                    EventSourceArn=self.r(lid, props.get("SourceArn"), "SourceArn"),
                    Description=self.r(lid, props.get("Description"), "Description"),
                    EventPattern=json.dumps(pattern) if isinstance(pattern, (dict, list)) else pattern,
                    RetentionDays=int(self.r(lid, props.get("RetentionDays"), "RetentionDays") or 0) or None,
                ))["ArchiveArn"]
        except ClientError as exc:
            log.warning("%s: archive not created (best effort): %s", lid, exc)
            return None
        return PhysicalResource(lid, "AWS::Events::Archive", name, {"Arn": arn, "ArchiveName": name})

    # ------------------------------------------------------------------ Secrets Manager / CloudWatch

    def secret(self, lid: str, props: dict[str, Any]) -> PhysicalResource:
        sm = self.clients("secretsmanager")
        name = self.name(lid, props, "Name")
        try:
            arn = sm.describe_secret(SecretId=name)["ARN"]
            log.info("%s: reusing existing secret %s (value kept)", lid, name)
        except ClientError as exc:
            if error_code(exc) != "ResourceNotFoundException":
                raise
            value = self.r(lid, props.get("SecretString"), "SecretString")
            if value is None:
                spec = self.r(lid, props.get("GenerateSecretString"), "GenerateSecretString") or {}
                value = generate_secret_string(spec)
            arn = sm.create_secret(**_drop_none(
                Name=name, SecretString=str(value),
                Description=self.r(lid, props.get("Description"), "Description"),
            ))["ARN"]
        return PhysicalResource(lid, "AWS::SecretsManager::Secret", arn, {"Id": arn})

    _ALARM_CASTS: ClassVar[dict[str, Callable[[Any], Any]]] = {
        "AlarmDescription": str, "ActionsEnabled": _true, "AlarmActions": list, "OKActions": list,
        "InsufficientDataActions": list, "MetricName": str, "Namespace": str, "Statistic": str,
        "ExtendedStatistic": str, "Dimensions": list, "Period": int, "Unit": str, "EvaluationPeriods": int,
        "DatapointsToAlarm": int, "Threshold": float, "ComparisonOperator": str, "TreatMissingData": str,
        "EvaluateLowSampleCountPercentile": str, "Metrics": list, "ThresholdMetricId": str,
    }

    def alarm(self, lid: str, props: dict[str, Any]) -> PhysicalResource | None:
        name = self.name(lid, props, "AlarmName")
        kwargs: dict[str, Any] = {"AlarmName": name}
        for key, cast in self._ALARM_CASTS.items():
            value = self.r(lid, props.get(key), key)
            if value is not None:
                kwargs[key] = cast(value)
        try:
            self.clients("cloudwatch").put_metric_alarm(**kwargs)
        except ClientError as exc:
            log.warning("%s: alarm not created (moto stores alarms but never evaluates them): %s", lid, exc)
            return None
        return PhysicalResource(lid, "AWS::CloudWatch::Alarm", name, {"Arn": self.arn("cloudwatch", f"alarm:{name}")})

    # ------------------------------------------------------------------ in-process resources

    def api(self, lid: str, props: dict[str, Any]) -> PhysicalResource:
        api_id = _short_id(self.t.stack_name, lid)
        return PhysicalResource(lid, "AWS::Serverless::Api", api_id,
                                {"RootResourceId": _short_id(self.t.stack_name, lid, "root")})

    def _implicit_api(self) -> None:
        """SAM's ``ServerlessRestApi``, created when an Api event has no RestApiId."""
        if "ServerlessRestApi" in self.t.resources:
            return
        for lid in self.t.resources_of_type("AWS::Serverless::Function"):
            for event in (self.t.properties(lid).get("Events") or {}).values():
                if event.get("Type") == "Api" and "RestApiId" not in (event.get("Properties") or {}):
                    self.resources.add(self.api("ServerlessRestApi", {}))
                    return

    def layer(self, lid: str, props: dict[str, Any]) -> PhysicalResource:
        name = self.name(lid, props, "LayerName")
        return PhysicalResource(lid, "AWS::Serverless::LayerVersion", self.arn("lambda", f"layer:{name}:1"))

    def function(self, lid: str, props: dict[str, Any]) -> PhysicalResource:
        name = self.name(lid, props, "FunctionName")
        return PhysicalResource(lid, "AWS::Serverless::Function", name, {"Arn": self.arn("lambda", f"function:{name}")})


def provision(template: Template, clients: Clients) -> ResourceMap:
    """Create (or reuse) every active resource of ``template`` and return what each became."""
    return _Provisioner(template, clients).run()
