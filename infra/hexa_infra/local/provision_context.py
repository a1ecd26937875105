"""What every resource creator of the provisioner works with, and the helpers they share.

A creator is ``creator(ctx, logical_id, properties) -> PhysicalResource | None`` (None: nothing
to record, e.g. a best-effort resource the endpoint refused). ``ctx`` resolves properties
against what was provisioned so far and names things the way the stack would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from botocore.exceptions import ClientError

from .aws import Clients, error_code
from .resources import PhysicalResource, ResourceMap
from .template import Template

__all__ = ["Creator", "ProvisionContext", "ProvisionError", "drop_none", "find_or_create", "is_true"]

_T = TypeVar("_T")


class ProvisionError(RuntimeError):
    """The endpoint refused to create a resource the template needs."""


class ProvisionContext:
    """One provisioning run: the template, the endpoint's clients and the resources made so far."""

    def __init__(self, template: Template, clients: Clients) -> None:
        self.t = template
        self.clients = clients
        self.resources = ResourceMap()
        self.partition = str(template.pseudo_parameter("AWS::Partition"))

    def r(self, lid: str, value: Any, prop: str) -> Any:
        """``value`` (property ``prop`` of ``lid``) with every intrinsic resolved."""
        return self.t.resolve(value, self.resources, where=f"{lid}.Properties.{prop}")

    def name(self, lid: str, props: dict[str, Any], prop: str) -> str:
        """The name the template gives in ``prop``, else ``<stack>-<LogicalId>``."""
        given = self.r(lid, props.get(prop), prop)
        return str(given) if given else f"{self.t.stack_name}-{lid}"

    def arn(self, service: str, resource: str) -> str:
        return f"arn:{self.partition}:{service}:{self.t.region}:{self.t.account_id}:{resource}"


Creator = Callable[[ProvisionContext, str, dict[str, Any]], PhysicalResource | None]


def find_or_create(find: Callable[[], _T], create: Callable[[], _T]) -> tuple[_T, bool]:
    """``(find(), True)``, or ``(create(), False)`` if the endpoint answers ResourceNotFoundException."""
    try:
        return find(), True
    except ClientError as exc:
        if error_code(exc) != "ResourceNotFoundException":
            raise
    return create(), False


def is_true(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def drop_none(**kwargs: Any) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if v is not None}
