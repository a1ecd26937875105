"""Read ``template.yaml`` and evaluate its CloudFormation intrinsics locally.

The template is the single source of truth for the local cloud, so the runtime reads it the way
CloudFormation would: short tags become their long form (``cfn_yaml``), parameters take overrides,
conditions decide which resources exist, SAM ``Globals`` are merged into each resource, and
intrinsics are resolved against what the provisioner actually created (``intrinsics``). Anything
we cannot evaluate raises a :class:`TemplateError` that names the resource and property, rather
than guessing a value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .cfn_yaml import CfnLoader, load_yaml
from .errors import TemplateError
from .intrinsics import NO_VALUE, SUB_VAR, IntrinsicResolver, is_intrinsic

__all__ = ["NO_VALUE", "CfnLoader", "Template", "TemplateError", "load_yaml"]

MOTO_ACCOUNT_ID = "123456789012"
FUNCTION_TYPE = "AWS::Serverless::Function"
# A function's properties that SAM turns into other resources (the alias's UpdatePolicy, the CodeDeploy
# deployment group), which may reference what references the function: not the function's dependencies
_NOT_THE_FUNCTIONS = frozenset({"DeploymentPreference"})

# ------------------------------------------------------------------------------------ globals

_GLOBALS_SECTION = {
    "AWS::Serverless::Function": "Function",
    "AWS::Serverless::Api": "Api",
    "AWS::Serverless::HttpApi": "HttpApi",
    "AWS::Serverless::SimpleTable": "SimpleTable",
    "AWS::Serverless::LayerVersion": "LayerVersion",
    "AWS::Serverless::StateMachine": "StateMachine",
}


def merge_globals(global_value: Any, local_value: Any) -> Any:
    """SAM's Globals rule: maps merge (resource wins), lists append (Globals first), else resource."""
    if (
        isinstance(global_value, dict)
        and isinstance(local_value, dict)
        and not (is_intrinsic(global_value) or is_intrinsic(local_value))
    ):
        merged = dict(global_value)
        for key, value in local_value.items():
            merged[key] = merge_globals(global_value[key], value) if key in global_value else value
        return merged
    if isinstance(global_value, list) and isinstance(local_value, list):
        return list(global_value) + list(local_value)
    return local_value


# ------------------------------------------------------------------------------------ template


class Template(IntrinsicResolver):
    """A parsed template with parameters bound, conditions evaluated and intrinsics resolvable."""

    def __init__(
        self,
        path: str | Path,
        *,
        stack_name: str = "hexa-local",
        region: str = "us-east-1",
        account_id: str = MOTO_ACCOUNT_ID,
        parameter_overrides: Mapping[str, Any] | None = None,
    ) -> None:
        self.path = Path(path).resolve()
        self.directory = self.path.parent
        self.stack_name = stack_name
        self.region = region
        self.account_id = account_id
        self.raw = load_yaml(self.path)
        self.mappings: dict[str, Any] = self.raw.get("Mappings") or {}
        self.globals: dict[str, Any] = self.raw.get("Globals") or {}
        self.parameters = self._bind_parameters(dict(parameter_overrides or {}))
        self._condition_defs: dict[str, Any] = self.raw.get("Conditions") or {}
        self._condition_cache: dict[str, bool] = {}
        self.conditions = {name: self.condition(name) for name in self._condition_defs}
        self.all_resources: dict[str, dict[str, Any]] = self.raw.get("Resources") or {}
        self.resources: dict[str, dict[str, Any]] = {
            lid: res for lid, res in self.all_resources.items() if self._is_active(lid, res)
        }

    # -------------------------------------------------------------------- parameters/conditions

    def _bind_parameters(self, overrides: dict[str, Any]) -> dict[str, Any]:
        declared: dict[str, Any] = self.raw.get("Parameters") or {}
        unknown = sorted(set(overrides) - set(declared))
        if unknown:
            raise TemplateError(f"parameter overrides for undeclared parameters: {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for name, spec in declared.items():
            spec = spec or {}
            if name in overrides:
                raw = overrides[name]
            elif "Default" in spec:
                raw = spec["Default"]
            else:
                raise TemplateError(f"parameter {name} has no Default and no override")
            ptype = str(spec.get("Type", "String"))
            if ptype == "CommaDelimitedList" or ptype.startswith("List<"):
                value: Any = raw if isinstance(raw, list) else [s.strip() for s in str(raw).split(",")]
                checked = [str(v) for v in value]
            else:
                value = str(raw).lower() if isinstance(raw, bool) else str(raw)
                checked = [value]
            for item in checked:
                allowed = spec.get("AllowedValues")
                if allowed is not None and item not in [str(a) for a in allowed]:
                    raise TemplateError(f"parameter {name}={item!r} not in AllowedValues {allowed}")
                pattern = spec.get("AllowedPattern")
                if pattern is not None and not re.fullmatch(str(pattern), item):
                    raise TemplateError(
                        f"parameter {name}={item!r} does not match AllowedPattern {pattern!r}"
                    )
            values[name] = value
        return values

    def condition(self, name: str, _stack: tuple[str, ...] = ()) -> bool:
        """Evaluate a named condition (memoised; cycles are an error)."""
        if name in self._condition_cache:
            return self._condition_cache[name]
        if name not in self._condition_defs:
            raise TemplateError(f"unknown condition {name!r}")
        if name in _stack:
            raise TemplateError(f"condition cycle: {' -> '.join((*_stack, name))}")
        result = self._eval_condition(self._condition_defs[name], None, f"Conditions.{name}", (*_stack, name))
        self._condition_cache[name] = result
        return result

    def _is_active(self, logical_id: str, resource: dict[str, Any]) -> bool:
        cond = resource.get("Condition")
        return True if cond is None else self.condition(str(cond))

    # -------------------------------------------------------------------- resources

    def resources_of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        """Active resources (condition true) of one type, in template order."""
        return {lid: r for lid, r in self.resources.items() if r.get("Type") == resource_type}

    def function_events(self, event_type: str | None = None) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """``(function logical id, event name, event)`` of every SAM function event (of one ``Type``)."""
        for lid in self.resources_of_type(FUNCTION_TYPE):
            for event_name, event in (self.properties(lid).get("Events") or {}).items():
                if event_type is None or event.get("Type") == event_type:
                    yield lid, event_name, event

    def properties(self, logical_id: str) -> dict[str, Any]:
        """A resource's Properties with the matching SAM ``Globals`` section merged in."""
        resource = self.resources[logical_id]
        props = dict(resource.get("Properties") or {})
        section = _GLOBALS_SECTION.get(str(resource.get("Type")))
        if section and self.globals.get(section):
            props = merge_globals(self.globals[section], props)
        return props

    def dependencies(self, logical_id: str) -> set[str]:
        """Active resources this one references (Ref, GetAtt, Sub) or names in DependsOn."""
        resource = self.resources[logical_id]
        found: set[str] = set()
        depends = resource.get("DependsOn") or []
        found.update([depends] if isinstance(depends, str) else depends)
        props = self.properties(logical_id)
        if resource.get("Type") == FUNCTION_TYPE:  # what SAM turns into the alias's UpdatePolicy and the
            props = {k: v for k, v in props.items() if k not in _NOT_THE_FUNCTIONS}  # deployment group
        self._collect_refs(props, found)
        found.discard(logical_id)
        return {d for d in found if d in self.resources}

    def _collect_refs(self, value: Any, found: set[str]) -> None:
        if isinstance(value, dict):
            if len(value) == 1:
                key, arg = next(iter(value.items()))
                if key == "Ref" and isinstance(arg, str):
                    found.add(arg)
                elif key == "Fn::GetAtt" and isinstance(arg, list) and arg:
                    found.add(str(arg[0]))
                elif key == "Fn::Sub":
                    text = arg[0] if isinstance(arg, list) else arg
                    if isinstance(text, str):
                        for var in SUB_VAR.findall(text):
                            if not var.startswith("!"):
                                found.add(var.split(".", 1)[0])
            for item in value.values():
                self._collect_refs(item, found)
        elif isinstance(value, list):
            for item in value:
                self._collect_refs(item, found)
