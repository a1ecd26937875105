"""Physical resources created from the template, keyed by logical id.

Kept in its own module because both the template resolver (Ref / GetAtt) and the
provisioner (which fills it) need it, and neither should import the other's machinery.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PhysicalResource:
    """What one template resource became in the endpoint.

    ``ref`` is what ``!Ref`` returns in CloudFormation for that type; ``attrs`` holds the
    attributes ``!GetAtt`` can read.
    """

    logical_id: str
    type: str
    ref: str
    attrs: Mapping[str, Any] = field(default_factory=dict)


class ResourceMap(Mapping[str, PhysicalResource]):
    """Logical id -> :class:`PhysicalResource`, filled in dependency order."""

    def __init__(self) -> None:
        self._items: dict[str, PhysicalResource] = {}

    def add(self, resource: PhysicalResource) -> None:
        """Record a provisioned resource (later resources may reference it)."""
        self._items[resource.logical_id] = resource

    def __getitem__(self, logical_id: str) -> PhysicalResource:
        return self._items[logical_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def of_type(self, resource_type: str) -> dict[str, PhysicalResource]:
        """Every provisioned resource of one CloudFormation type."""
        return {k: v for k, v in self._items.items() if v.type == resource_type}

    def find_by_attr(self, attr: str, value: Any) -> PhysicalResource | None:
        """The resource whose ``attrs[attr]`` equals ``value`` (e.g. a queue by its ARN)."""
        for resource in self._items.values():
            if resource.attrs.get(attr) == value:
                return resource
        return None

    def __repr__(self) -> str:
        return f"ResourceMap({self._items!r})"
