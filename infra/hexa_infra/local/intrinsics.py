"""CloudFormation's intrinsic functions, evaluated locally against what was provisioned.

``!Ref`` and ``!GetAtt`` read the :class:`~hexa_infra.local.resources.PhysicalResource` the
provisioner created, pseudo parameters come from the stack's region/account/name, and every
other supported ``Fn::`` is computed here. What cannot be evaluated raises a ``TemplateError``
naming the place (``where``), rather than guessing a value.

:class:`IntrinsicResolver` is mixed into :class:`~hexa_infra.local.template.Template`, which
supplies the parameters, mappings, resources and named conditions it reads.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Mapping
from typing import Any

from .errors import TemplateError
from .resources import PhysicalResource

__all__ = ["NO_VALUE", "SUB_VAR", "IntrinsicResolver", "is_intrinsic"]


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

SUB_VAR = re.compile(r"\$\{([^}]*)\}")
"""A ``${Name}`` / ``${Res.Attr}`` / ``${!Literal}`` placeholder of ``Fn::Sub``."""


def is_intrinsic(value: Any) -> bool:
    """True for ``{"Ref": ...}`` / ``{"Fn::X": ...}`` (SAM treats these as opaque when merging)."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = str(next(iter(value)))
    return key == "Ref" or key.startswith("Fn::")


class IntrinsicResolver:
    """Resolves intrinsics; the class it is mixed into provides the attributes declared here."""

    region: str
    account_id: str
    stack_name: str
    parameters: dict[str, Any]
    mappings: dict[str, Any]
    resources: dict[str, dict[str, Any]]  # active resources (Condition true)
    all_resources: dict[str, dict[str, Any]]

    def condition(self, name: str, _stack: tuple[str, ...] = ()) -> bool:
        """Evaluate a named condition (provided by the template)."""
        raise NotImplementedError

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
        partition = (
            "aws-cn"
            if self.region.startswith("cn-")
            else ("aws-us-gov" if self.region.startswith("us-gov-") else "aws")
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

    def _eval_condition(
        self,
        value: Any,
        resources: Mapping[str, PhysicalResource] | None,
        where: str,
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
        self,
        key: str,
        arg: Any,
        resources: Mapping[str, PhysicalResource] | None,
        where: str,
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
                raise TemplateError(
                    f"{where}: Fn::FindInMap [{map_name}, {top}, {second}] not found"
                ) from None
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
            text, variables = (
                arg[0],
                {k: self._resolve(v, resources, f"{where}.{k}", stack) for k, v in arg[1].items()},
            )
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

        return SUB_VAR.sub(replace, text)

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
