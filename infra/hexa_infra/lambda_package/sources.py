"""Every Lambda function and layer of the template, as the build sees them: code folder, handler,
environment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..local.template import FUNCTION_TYPE, load_yaml, merge_globals

LAYER_TYPE = "AWS::Serverless::LayerVersion"


PLACEHOLDER = "import-check-placeholder"


@dataclass(frozen=True)
class FunctionSource:
    logical_id: str
    code_dir: Path  # the CodeUri folder
    handler: str  # "module.attribute"
    environment: dict[str, str]  # the template's variables: literals and parameter defaults as they are,
    # anything only a deployment knows (a table's name, an ARN) a placeholder

    @property
    def module(self) -> str:
        return self.handler.rsplit(".", 1)[0]

    @property
    def attribute(self) -> str:
        return self.handler.rsplit(".", 1)[1]


@dataclass(frozen=True)
class LayerSource:
    logical_id: str
    content_dir: Path


def functions_of(template_path: Path) -> list[FunctionSource]:
    """Every function, whatever its Condition: an inactive one is still built and deployed some day."""
    raw = load_yaml(template_path)
    defaults = (raw.get("Globals") or {}).get("Function") or {}
    parameters = {
        name: str(spec.get("Default", PLACEHOLDER)) for name, spec in (raw.get("Parameters") or {}).items()
    }
    found = []
    for logical_id, resource in (raw.get("Resources") or {}).items():
        if resource.get("Type") != FUNCTION_TYPE:
            continue
        properties = merge_globals(defaults, resource.get("Properties") or {})
        variables = ((properties.get("Environment") or {}).get("Variables")) or {}
        found.append(
            FunctionSource(
                logical_id,
                (template_path.parent / properties["CodeUri"]).resolve(),
                str(properties["Handler"]),
                {name: _plain(value, parameters) for name, value in variables.items()},
            )
        )
    return found


def layers_of(template_path: Path) -> list[LayerSource]:
    raw = load_yaml(template_path)
    return [
        LayerSource(logical_id, (template_path.parent / resource["Properties"]["ContentUri"]).resolve())
        for logical_id, resource in (raw.get("Resources") or {}).items()
        if resource.get("Type") == LAYER_TYPE
    ]


def _plain(value: object, parameters: dict[str, str]) -> str:
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, dict) and set(value) == {"Ref"} and value["Ref"] in parameters:
        return parameters[value["Ref"]]
    return PLACEHOLDER
