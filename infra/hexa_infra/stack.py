"""A running stack seen from outside: its template, its resources in an endpoint, its keys.

Resolving a stack re-runs the (idempotent) provisioner against the endpoint: it creates nothing that
exists and returns the same physical names and ARNs the running local cloud uses.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hexa_infra import dlq as dead_letters
from hexa_infra import search
from hexa_infra.tokens import SIGNING_KEY_RESOURCE, dev_token, signing_key

DEFAULT_STACK = "hexa-local"
DEFAULT_ENDPOINT = "http://127.0.0.1:4566"
REPO_TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"


def find_template(path: Path | None) -> Path:
    for candidate in (path, Path("template.yaml"), REPO_TEMPLATE):
        if candidate is not None and candidate.is_file():
            return candidate.resolve()
    raise FileNotFoundError("no template.yaml here; pass --template")


@dataclass
class Stack:
    template: Any
    resources: Any
    clients: Any  # service name -> boto3 client for the stack's endpoint
    endpoint_url: str | None
    parameters: dict[str, str] | None = None

    @classmethod
    def of(cls, cloud: Any) -> "Stack":
        """The stack a :class:`~hexa_infra.local.cloud.LocalCloud` in this process runs."""
        return cls(
            cloud.template, cloud.resources, cloud.client, cloud.endpoint_url, dict(cloud.parameter_overrides)
        )

    @classmethod
    def connect(
        cls,
        template_path: Path,
        stack_name: str,
        endpoint_url: str | None,
        parameters: dict[str, str] | None = None,
    ) -> "Stack":
        from hexa_infra.local.aws import Clients
        from hexa_infra.local.provisioner import provision
        from hexa_infra.local.template import Template

        endpoint = endpoint_url or DEFAULT_ENDPOINT
        parameters = parameters or {"SearchEndpoint": search.default_endpoint(stack_name)}
        region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
        template = Template(
            template_path, stack_name=stack_name, region=region, parameter_overrides=parameters
        )
        clients = Clients(endpoint, region)
        try:
            resources = provision(template, clients)
        except Exception as error:  # noqa: BLE001 - turn "connection refused" into advice
            raise SystemExit(
                f"cannot reach stack '{stack_name}' at {endpoint} ({error.__class__.__name__}: "
                f"{error}). Is `make up` running?"
            ) from None
        return cls(template, resources, clients, endpoint, parameters)

    @property
    def sqs(self) -> Any:
        return self.clients("sqs")

    def token(self, *, role: str, partner_id: str | None = None, ttl_seconds: int = 12 * 3600) -> str:
        key = signing_key(self.clients("secretsmanager"), self.resources[SIGNING_KEY_RESOURCE].ref)
        return dev_token(
            key, self.template.parameters, role=role, partner_id=partner_id, ttl_seconds=ttl_seconds
        )

    def dead_letter_queues(self) -> list[dead_letters.DeadLetterQueue]:
        return dead_letters.dead_letter_queues(self.template, self.resources, self.sqs)

    def dead_letter_queue(self, logical_id: str) -> dead_letters.DeadLetterQueue:
        for queue in self.dead_letter_queues():
            if queue.logical_id == logical_id:
                return queue
        raise SystemExit(f"{logical_id} is not a dead-letter queue of this stack (see `hexa dlq list`)")

    def redrive(self, logical_id: str) -> dead_letters.Redriven:
        """Redrive one DLQ (back to its source queue) or failure queue (parked records back to their
        functions, run in-process against this stack's endpoint, as ``run_maintenance`` does)."""
        queue = self.dead_letter_queue(logical_id)
        if queue.source_url is not None:
            return dead_letters.redrive(self.sqs, queue)
        from hexa_infra.local.cloud import LocalCloud

        cloud = LocalCloud(
            str(self.template.path),
            stack_name=self.template.stack_name,
            endpoint_url=self.endpoint_url,
            gateway_port=0,
            start_pollers=False,
            parameter_overrides=self.parameters,
        )
        with cloud:
            by_name = {function.name: lid for lid, function in cloud.functions.items()}

            def invoke(function_name: str, event: dict[str, Any]) -> Any:
                if function_name not in by_name:
                    raise SystemExit(f"a parked record names function {function_name!r}, not in this stack")
                return cloud.invoke(by_name[function_name], event)

            return dead_letters.redrive(self.sqs, queue, invoke=invoke)

    def run_maintenance(self, context: str, handler_name: str) -> Any:
        """Invoke a context's maintenance function (e.g. ``app.rebuild_projections``) in-process, as the
        local runtime would, against this stack's endpoint."""
        from hexa_infra.local.cloud import LocalCloud

        for lid, resource in self.template.resources_of_type("AWS::Serverless::Function").items():
            props = self.template.properties(lid)
            if Path(str(props["CodeUri"])).name == context and props["Handler"] == f"app.{handler_name}":
                cloud = LocalCloud(
                    str(self.template.path),
                    stack_name=self.template.stack_name,
                    endpoint_url=self.endpoint_url,
                    gateway_port=0,
                    start_pollers=False,
                    parameter_overrides=self.parameters,
                )
                with cloud:
                    return cloud.invoke(lid, {})
        raise SystemExit(f"no '{handler_name}' function for context '{context}' in the template")
