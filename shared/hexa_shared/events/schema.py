"""JSON Schema validation of integration events (one schema file per event, in ``schemas/``)."""
from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

from hexa_shared.events.envelope import IntegrationEvent


class EventSchemaError(ValueError):
    """An event does not match its published contract; it must never reach the bus."""


@functools.lru_cache(maxsize=None)
def _validator(name: str) -> Draft202012Validator:
    try:
        text = resources.files("hexa_shared.events").joinpath("schemas", f"{name}.json").read_text()
    except FileNotFoundError:
        raise EventSchemaError(f"no JSON Schema for event '{name}'") from None
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def known_events() -> list[str]:
    folder = resources.files("hexa_shared.events").joinpath("schemas")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json") and p.name != "envelope.json")


def validate(event: IntegrationEvent) -> None:
    """Check the envelope (detail) and the event's own data schema; raise on the first problems."""
    problems = _problems(_validator("envelope"), event.detail, "detail")
    problems += _problems(_validator(event.name), event.data, "data")
    if not event.source.startswith("hexabuilders."):
        problems.append(f"source '{event.source}' is not a hexabuilders source")
    if problems:
        raise EventSchemaError(f"{event.name}: " + "; ".join(problems))


def _problems(validator: Draft202012Validator, instance: Any, root: str) -> list[str]:
    return [f"{root}.{'.'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.path)))]
