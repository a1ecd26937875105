"""Create the template's resources in the endpoint, in dependency order, idempotently.

Why not CloudFormation: moto's CloudFormation cannot run the SAM transform and silently skips
alarms and more (TOOL-FACTS), so we read the template ourselves and call each service's API.
Every creator first looks for the resource and reuses it, so starting twice against a long-lived
endpoint (LocalStack, or a moto server left running) converges instead of failing.

Physical names: tables and queues are ``<stack>-<LogicalId>`` unless the template names them,
buses and secrets use their resolved ``Name``. Functions, APIs and layers only get names/ids here:
they run in-process (see ``functions.py`` and ``gateway.py``).

This module orders and drives the run; the creators, one per resource type, are grouped by service
in ``provision_dynamodb``, ``provision_sqs``, ``provision_events`` and ``provision_others``.
"""

from __future__ import annotations

import logging

from botocore.exceptions import ClientError

from . import provision_dynamodb, provision_events, provision_others, provision_sqs
from .aws import Clients
from .provision_context import Creator, ProvisionContext, ProvisionError
from .provision_others import add_implicit_api, generate_secret_string
from .resources import PhysicalResource, ResourceMap
from .template import Template, TemplateError

__all__ = [
    "PhysicalResource",
    "ProvisionError",
    "ResourceMap",
    "dependency_order",
    "generate_secret_string",
    "provision",
]

log = logging.getLogger("hexa.local.provisioner")

CREATORS: dict[str, Creator] = {
    **provision_dynamodb.CREATORS,
    **provision_sqs.CREATORS,
    **provision_events.CREATORS,
    **provision_others.CREATORS,
}
"""Resource type -> its creator; a type not listed here is skipped with a warning."""


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
            cycle = [*visiting[visiting.index(lid) :], lid]
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


def provision(template: Template, clients: Clients) -> ResourceMap:
    """Create (or reuse) every active resource of ``template`` and return what each became."""
    ctx = ProvisionContext(template, clients)
    add_implicit_api(ctx)
    for lid in dependency_order(template):
        rtype = str(template.resources[lid].get("Type"))
        creator = CREATORS.get(rtype)
        if creator is None:
            log.warning(
                "%s: type %s is not emulated locally (skipped; Ref/GetAtt to it will fail)", lid, rtype
            )
            continue
        try:
            physical = creator(ctx, lid, template.properties(lid))
        except (TemplateError, ProvisionError):
            raise
        except ClientError as exc:
            raise ProvisionError(f"{lid} ({rtype}): {exc}") from exc
        if physical is not None:
            ctx.resources.add(physical)
            log.debug("provisioned %s (%s) -> %s", lid, rtype, physical.ref)
    return ctx.resources
