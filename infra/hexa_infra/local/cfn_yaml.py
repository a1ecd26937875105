"""Read CloudFormation/SAM YAML: short tags (``!Ref X``) become their long form (``{"Ref": "X"}``).

The result is plain dicts and lists, exactly what CloudFormation sees after parsing, so the rest
of the runtime only ever deals with the long intrinsic form. ``load_yaml`` and ``CfnLoader`` are
importable from ``hexa_infra.local.template`` as before.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from .errors import TemplateError

__all__ = ["CfnLoader", "load_yaml"]

_SHORT_TAGS = (
    "Ref",
    "GetAtt",
    "Sub",
    "Join",
    "Select",
    "Split",
    "If",
    "Not",
    "Equals",
    "And",
    "Or",
    "FindInMap",
    "Base64",
    "ImportValue",
    "GetAZs",
    "Condition",
    "Cidr",
    "Transform",
    "Length",
    "ToJsonString",
)


class CfnLoader(yaml.SafeLoader):
    """SafeLoader that turns CloudFormation short tags (``!Ref X``) into ``{"Ref": "X"}`` dicts.

    A subclass (not ``yaml.add_constructor`` on SafeLoader) so other YAML users in the process
    are unaffected. Timestamps stay strings, as CloudFormation reads them.
    """


CfnLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _make_constructor(tag: str) -> Callable[[CfnLoader, yaml.Node], dict[str, Any]]:
    long_name = tag if tag in ("Ref", "Condition") else f"Fn::{tag}"

    def construct(loader: CfnLoader, node: yaml.Node) -> dict[str, Any]:
        value: Any
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if tag == "GetAtt":
                logical_id, _, attribute = str(value).partition(".")
                value = [logical_id, attribute]
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {long_name: value}

    return construct


for _tag in _SHORT_TAGS:
    CfnLoader.add_constructor(f"!{_tag}", _make_constructor(_tag))


def load_yaml(path: str | Path) -> dict[str, Any]:
    """Parse a CloudFormation/SAM YAML file into plain dicts and lists (long intrinsic form)."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=CfnLoader)  # noqa: S506 - CfnLoader is a SafeLoader
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: not a CloudFormation template (top level is not a mapping)")
    return data
