"""Read ``template.yaml`` and evaluate its CloudFormation intrinsics locally.

The template is the single source of truth for the local cloud, so the runtime reads it the way
CloudFormation would: short tags become their long form, parameters take overrides, conditions
decide which resources exist, SAM ``Globals`` are merged into each resource, and intrinsics are
resolved against what the provisioner actually created. Anything we cannot evaluate raises a
:class:`TemplateError` that names the resource and property, rather than guessing a value.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from .resources import PhysicalResource

__all__ = ["NO_VALUE", "CfnLoader", "Template", "TemplateError", "load_yaml"]

MOTO_ACCOUNT_ID = "123456789012"


class TemplateError(Exception):
    """The template asks for something the local runtime cannot (or must not) evaluate."""


class _NoValue:
    """Sentinel for ``AWS::NoValue``: the enclosing key or list item is dropped."""

    _instance: _NoValue | None = None

    def __new__(cls) -> _NoValue:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE = _NoValue()

# ------------------------------------------------------------------------------------ loading

_SHORT_TAGS = (
    "Ref", "GetAtt", "Sub", "Join", "Select", "Split", "If", "Not", "Equals", "And", "Or",
    "FindInMap", "Base64", "ImportValue", "GetAZs", "Condition", "Cidr", "Transform",
    "Length", "ToJsonString",
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


# ------------------------------------------------------------------------------------ globals

_GLOBALS_SECTION = {
    "AWS::Serverless::Function": "Function",
    "AWS::Serverless::Api": "Api",
    "AWS::Serverless::HttpApi": "HttpApi",
    "AWS::Serverless::SimpleTable": "SimpleTable",
    "AWS::Serverless::LayerVersion": "LayerVersion",
    "AWS::Serverless::StateMachine": "StateMachine",
}


def is_intrinsic(value: Any) -> bool:
    """True for ``{"Ref": ...}`` / ``{"Fn::X": ...}`` (SAM treats these as opaque when merging)."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = str(next(iter(value)))
    return key == "Ref" or key.startswith("Fn::")


def merge_globals(global_value: Any, local_value: Any) -> Any:
    """SAM's Globals rule: maps merge (resource wins), lists append (Globals first), else resource."""
    if isinstance(global_value, dict) and isinstance(local_value, dict) and not (
        is_intrinsic(global_value) or is_intrinsic(local_value)
    ):
        merged = dict(global_value)
        for key, value in local_value.items():
            merged[key] = merge_globals(global_value[key], value) if key in global_value else value
        return merged
    if isinstance(global_value, list) and isinstance(local_value, list):
        return list(global_value) + list(local_value)
    return local_value


# ------------------------------------------------------------------------------------ template

_SUB_VAR = re.compile(r"\$\{([^}]*)\}")


class Template:
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
                    raise TemplateError(f"parameter {name}={item!r} does not match AllowedPattern {pattern!r}")
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

    def _eval_condition(
        self, value: Any, resources: Mapping[str, PhysicalResource] | None, where: str,
        stack: tuple[str, ...] = (),
    ) -> bool:
        if isinstance(value, dict) and len(value) == 1 and "Condition" in value:
            return self.condition(str(value["Condition"]), stack)
        if isinstance(value, bool):
            return value
        result = self._resolve(value, resources, where, stack)
        if isinstance(result, bool):
            return result
        if isinstance(result, str) and result.lower() in ("true", "false"):
            return result.lower() == "true"
        raise TemplateError(f"{where}: condition does not evaluate to a boolean: {value!r}")

    # -------------------------------------------------------------------- resources

    def resources_of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        """Active resources (condition true) of one type, in template order."""
        return {lid: r for lid, r in self.resources.items() if r.get("Type") == resource_type}

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
        self._collect_refs(self.properties(logical_id), found)
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
                        for var in _SUB_VAR.findall(text):
                            if not var.startswith("!"):
                                found.add(var.split(".", 1)[0])
            for item in value.values():
                self._collect_refs(item, found)
        elif isinstance(value, list):
            for item in value:
                self._collect_refs(item, found)

    # -------------------------------------------------------------------- resolution

    def resolve(
        self, value: Any, resources: Mapping[str, PhysicalResource] | None = None, *, where: str = "template"
    ) -> Any:
        """Resolve every intrinsic in ``value``; ``AWS::NoValue`` drops keys/items (top level -> None).

        ``where`` (e.g. ``"MyQueue.Properties.RedrivePolicy"``) is used in error messages.
        """
        result = self._resolve(value, resources, where, ())
        return None if result is NO_VALUE else result

    def pseudo_parameter(self, name: str) -> Any:
        """Value of an ``AWS::*`` pseudo parameter, or raise if unknown."""
        partition = "aws-cn" if self.region.startswith("cn-") else (
            "aws-us-gov" if self.region.startswith("us-gov-") else "aws"
        )
        stack_uuid = uuid.uuid5(uuid.NAMESPACE_URL, f"{self.account_id}/{self.region}/{self.stack_name}")
        table: dict[str, Any] = {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::StackName": self.stack_name,
            "AWS::StackId": f"arn:{partition}:cloudformation:{self.region}:{self.account_id}"
                            f":stack/{self.stack_name}/{stack_uuid}",
            "AWS::Partition": partition,
            "AWS::URLSuffix": "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com",
            "AWS::NotificationARNs": [],
            "AWS::NoValue": NO_VALUE,
        }
        if name not in table:
            raise TemplateError(f"unknown pseudo parameter {name}")
        return table[name]

    def _ref(self, name: str, resources: Mapping[str, PhysicalResource] | None, where: str) -> Any:
        if name.startswith("AWS::"):
            try:
                return self.pseudo_parameter(name)
            except TemplateError as exc:
                raise TemplateError(f"{where}: {exc}") from None
        if name in self.parameters:
            return self.parameters[name]
        return self._physical(name, resources, where).ref

    def _physical(
        self, logical_id: str, resources: Mapping[str, PhysicalResource] | None, where: str
    ) -> PhysicalResource:
        if resources is not None and logical_id in resources:
            return resources[logical_id]
        if logical_id in self.resources:
            rtype = self.resources[logical_id].get("Type")
            raise TemplateError(
                f"{where}: {logical_id} ({rtype}) is referenced but has not been provisioned "
                "(not created yet, or a type the local runtime does not emulate)"
            )
        if logical_id in self.all_resources:
            raise TemplateError(f"{where}: {logical_id} is referenced but its Condition is false")
        raise TemplateError(f"{where}: reference to unknown parameter or resource {logical_id!r}")

    def _get_att(
        self, logical_id: str, attribute: str, resources: Mapping[str, PhysicalResource] | None, where: str
    ) -> Any:
        physical = self._physical(logical_id, resources, where)
        if attribute not in physical.attrs:
            known = ", ".join(sorted(physical.attrs)) or "none"
            raise TemplateError(
                f"{where}: GetAtt {logical_id}.{attribute} is not supported locally for "
                f"{physical.type} (available: {known})"
            )
        return physical.attrs[attribute]

    def _resolve(
        self, value: Any, resources: Mapping[str, PhysicalResource] | None, where: str, stack: tuple[str, ...]
    ) -> Any:
        if isinstance(value, list):
            items = [self._resolve(v, resources, f"{where}[{i}]", stack) for i, v in enumerate(value)]
            return [v for v in items if v is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if is_intrinsic(value):
            key, arg = next(iter(value.items()))
            return self._intrinsic(key, arg, resources, where, stack)
        out: dict[str, Any] = {}
        for key, item in value.items():
            resolved = self._resolve(item, resources, f"{where}.{key}", stack)
            if resolved is not NO_VALUE:
                out[key] = resolved
        return out

    def _intrinsic(  # noqa: C901 - one branch per intrinsic reads best as a flat dispatch
        self, key: str, arg: Any, resources: Mapping[str, PhysicalResource] | None, where: str,
        stack: tuple[str, ...],
    ) -> Any:
        def r(v: Any) -> Any:
            return self._resolve(v, resources, where, stack)

        def args(count: int) -> list[Any]:
            if not isinstance(arg, list) or len(arg) != count:
                raise TemplateError(f"{where}: {key} expects a list of {count} arguments, got {arg!r}")
            return arg

        if key == "Ref":
            return self._ref(str(r(arg)), resources, where)
        if key == "Fn::GetAtt":
            parts = arg.split(".", 1) if isinstance(arg, str) else arg
            if not isinstance(parts, list) or len(parts) != 2:
                raise TemplateError(f"{where}: malformed Fn::GetAtt {arg!r}")
            return self._get_att(str(r(parts[0])), str(r(parts[1])), resources, where)
        if key == "Fn::Sub":
            return self._sub(arg, resources, where, stack)
        if key == "Fn::Join":
            delimiter, items = args(2)
            items = r(items)
            if not isinstance(items, list):
                raise TemplateError(f"{where}: Fn::Join needs a list, got {items!r}")
            return str(r(delimiter)).join(self._scalar(i, where, key) for i in items)
        if key == "Fn::Select":
            index, items = args(2)
            items, index = r(items), int(r(index))
            if not isinstance(items, list) or not 0 <= index < len(items):
                raise TemplateError(f"{where}: Fn::Select index {index} out of range for {items!r}")
            return items[index]
        if key == "Fn::Split":
            delimiter, text = args(2)
            return self._scalar(r(text), where, key).split(str(r(delimiter)))
        if key == "Fn::If":
            name, when_true, when_false = args(3)
            chosen = when_true if self.condition(str(name), stack) else when_false
            return r(chosen)
        if key == "Fn::Equals":
            left, right = (r(v) for v in args(2))
            return self._comparable(left) == self._comparable(right)
        if key == "Fn::Not":
            (inner,) = args(1)
            return not self._eval_condition(inner, resources, where, stack)
        if key in ("Fn::And", "Fn::Or"):
            if not isinstance(arg, list) or not arg:
                raise TemplateError(f"{where}: {key} expects a non-empty list")
            results = [self._eval_condition(v, resources, where, stack) for v in arg]
            return all(results) if key == "Fn::And" else any(results)
        if key == "Fn::FindInMap":
            map_name, top, second = (str(r(v)) for v in args(3))
            try:
                return self.mappings[map_name][top][second]
            except KeyError:
                raise TemplateError(f"{where}: Fn::FindInMap [{map_name}, {top}, {second}] not found") from None
        if key == "Fn::Base64":
            return base64.b64encode(self._scalar(r(arg), where, key).encode()).decode()
        if key == "Fn::GetAZs":
            return [f"{self.region}{zone}" for zone in "abc"]
        if key == "Fn::ToJsonString":
            return json.dumps(r(arg), separators=(",", ":"))
        if key == "Fn::Length":
            items = r(arg)
            if not isinstance(items, list):
                raise TemplateError(f"{where}: Fn::Length needs a list")
            return len(items)
        raise TemplateError(f"{where}: intrinsic {key} is not supported by the local runtime")

    def _sub(
        self, arg: Any, resources: Mapping[str, PhysicalResource] | None, where: str, stack: tuple[str, ...]
    ) -> str:
        if isinstance(arg, list):
            if len(arg) != 2 or not isinstance(arg[1], dict):
                raise TemplateError(f"{where}: Fn::Sub list form must be [string, {{vars}}]")
            text, variables = arg[0], {
                k: self._resolve(v, resources, f"{where}.{k}", stack) for k, v in arg[1].items()
            }
        else:
            text, variables = arg, {}
        if not isinstance(text, str):
            raise TemplateError(f"{where}: Fn::Sub template must be a string, got {text!r}")

        def replace(match: re.Match[str]) -> str:
            name = match.group(1).strip()
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                value = variables[name]
            elif "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                value = self._get_att(logical_id, attribute, resources, where)
            else:
                value = self._ref(name, resources, where)
            return self._scalar(value, where, "Fn::Sub")

        return _SUB_VAR.sub(replace, text)

    @staticmethod
    def _scalar(value: Any, where: str, key: str) -> str:
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, (str, int, float)):
            return str(value)
        raise TemplateError(f"{where}: {key} needs a string value, got {value!r}")

    @staticmethod
    def _comparable(value: Any) -> Any:
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, (int, float)):
            return str(value)
        return value
