"""Pydantic field types shared by every context's commands: dates, money, ids and text, strictly parsed.

The grammars are :mod:`hexa_shared.formats`' (one definition for HTTP, events and the migration).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictStr, WithJsonSchema

from hexa_shared.formats import (
    DATE_PATTERN,
    EARLIEST_DATE,
    LATEST_DATE,
    MONEY_PATTERN,
    UUID_PATTERN,
    parse_date,
)
from hexa_shared.formats import UUID4_PATTERN, text_problem
from hexa_shared.money import parse_money


def iso_date(value: object) -> date:
    """Strictly ``YYYY-MM-DD`` (not ``20261201``, not ``2026-W49-1``), between 1970 and 2099."""
    return parse_date(value)


def single_line(value: str) -> str:
    problem = text_problem(value, multiline=False)
    if problem:
        raise ValueError(problem)
    return value


IsoDate = Annotated[
    date,
    BeforeValidator(iso_date),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "pattern": DATE_PATTERN,
            "description": f"YYYY-MM-DD, {EARLIEST_DATE} to {LATEST_DATE}",
        }
    ),
]
MONEY_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": MONEY_PATTERN},
        {"type": "integer", "minimum": 0, "maximum": 10**12},
    ],
    "description": "a decimal string with at most two decimals, or an integer; never a float",
    "examples": ["1500.00"],
}
Money = Annotated[Decimal, BeforeValidator(lambda v: parse_money(v)), WithJsonSchema(MONEY_SCHEMA)]
PositiveMoney = Annotated[
    Decimal, BeforeValidator(lambda v: parse_money(v, allow_zero=False)), WithJsonSchema(MONEY_SCHEMA)
]

Uuid4 = Annotated[StrictStr, Field(pattern=UUID4_PATTERN)]
Uuid = Annotated[StrictStr, Field(pattern=UUID_PATTERN, description="a lower-case UUID")]


def line(max_length: int, min_length: int = 1) -> object:
    """A one-line text field (a name, a title): no tabs, no line breaks, no control characters."""
    return Annotated[
        StrictStr, Field(min_length=min_length, max_length=max_length), AfterValidator(single_line)
    ]


class StrictModel(BaseModel):
    """Commands refuse unknown fields (a typo is a 422 naming it, not silently ignored)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)
