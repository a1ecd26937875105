"""JSON Schema validation of integration events (one schema file per event, in ``schemas/``).

The same check runs where an event is published (nothing malformed reaches the bus) and where it is
consumed (nothing malformed is acted on). Formats (``uuid``, ``date-time``, ``date``, ``email``) are
checked by :mod:`hexa_shared.formats`, never skipped for want of an optional package; each schema
names the only ``source`` that may publish it (``x-source``); an entry must fit EventBridge's 256 KB.

jsonschema (with referencing, attrs and rpds: a fifth of a handler's cold import) is loaded at the first
validation, not when a handler module is imported: a request that publishes nothing never pays for it.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import TYPE_CHECKING, Any

from hexa_shared import formats
from hexa_shared.events.envelope import IntegrationEvent

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, FormatChecker

MAX_ENTRY_BYTES = 256 * 1024  # EventBridge's PutEvents limit per entry


class EventSchemaError(ValueError):
    """An event does not match its published contract; it must never reach the bus, nor be acted on."""


class EventTooLarge(EventSchemaError):
    """Over EventBridge's 256 KB per entry: the bus would refuse it (moto would not, so we check)."""


def _for_strings(check: Any) -> Any:
    """A format applies to strings only; ``type`` reports anything else."""
    return lambda value: not isinstance(value, str) or check(value)


@functools.lru_cache(maxsize=1)
def _formats() -> FormatChecker:
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("uuid")(_for_strings(formats.is_uuid))
    checker.checks("date-time")(_for_strings(formats.is_timestamp))
    checker.checks("date")(_for_strings(formats.is_date))
    checker.checks("email")(
        _for_strings(lambda value: "@" in value.strip("@") and not any(c.isspace() for c in value))
    )
    return checker


@functools.lru_cache(maxsize=None)
def _schema(name: str) -> dict[str, Any]:
    try:
        text = resources.files("hexa_shared.events").joinpath("schemas", f"{name}.json").read_text()
    except (FileNotFoundError, OSError):
        raise EventSchemaError(f"no JSON Schema for event '{name}'") from None
    schema = json.loads(text)
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema)
    return schema


@functools.lru_cache(maxsize=None)
def _validator(name: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_schema(name), format_checker=_formats())


@functools.lru_cache(maxsize=1)
def known_events() -> tuple[str, ...]:
    folder = resources.files("hexa_shared.events").joinpath("schemas")
    return tuple(
        sorted(
            p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json") and p.name != "envelope.json"
        )
    )


def source_of(name: str) -> str:
    """The one ``source`` allowed to publish ``name`` (the schema's ``x-source``)."""
    return _schema(name)["x-source"]


def entry_size(event: IntegrationEvent) -> int:
    """Bytes EventBridge counts for an entry: Source, DetailType, Detail (+ Time, 14 bytes)."""
    detail = json.dumps(event.detail, separators=(",", ":"), ensure_ascii=False)
    return len(event.source.encode()) + len(event.name.encode()) + len(detail.encode()) + 14


def validate(event: IntegrationEvent) -> None:
    """Check name, source, envelope (detail), the event's own data schema and its size; raise on problems."""
    if event.name not in known_events():
        raise EventSchemaError(f"no JSON Schema for event '{event.name}'")
    problems = _problems(_validator("envelope"), event.detail, "detail")
    problems += _problems(_validator(event.name), event.data, "data")
    if event.source != source_of(event.name):
        problems.append(
            f"source '{event.source[:80]}' may not publish {event.name} (only {source_of(event.name)})"
        )
    if problems:
        raise EventSchemaError(f"{event.name}: " + "; ".join(problems))
    size = entry_size(event)
    if size > MAX_ENTRY_BYTES:
        raise EventTooLarge(f"{event.name}: {size} bytes, over EventBridge's {MAX_ENTRY_BYTES} per entry")


def _problems(validator: Draft202012Validator, instance: Any, root: str) -> list[str]:
    """Where and what, never the offending value itself (events carry personal data)."""
    return [
        f"{root}.{'.'.join(map(str, e.absolute_path)) or '(root)'}: {_what(e)}"
        for e in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.path)))
    ]


def _what(error: Any) -> str:
    kind, expected = error.validator, error.validator_value
    if kind == "required":
        return error.message.split(" is a required")[0][:80] + " is required"
    if kind == "additionalProperties":
        return error.message[:160]  # names the unexpected keys, not values
    if kind == "format":
        return f"is not a valid {expected}"
    if kind == "type":
        return f"must be of type {expected}"
    if kind in ("const", "enum"):
        return f"must be one of {expected!r}" if kind == "enum" else f"must be {expected!r}"
    if kind == "pattern":
        return f"must match {expected}"
    return f"fails {kind} {expected!r}"[:160]
