"""Pydantic field types shared by every context's commands: dates and money, strictly parsed."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictStr, WithJsonSchema

from hexa_shared.money import parse_money


def iso_date(value: object) -> date:
    if not isinstance(value, str):
        raise ValueError("must be a date string YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a date YYYY-MM-DD") from None


IsoDate = Annotated[date, BeforeValidator(iso_date)]
MONEY_SCHEMA = {"anyOf": [{"type": "string", "pattern": r"^[0-9]{1,13}(\.[0-9]{1,2})?$"},
                          {"type": "integer", "minimum": 0, "maximum": 10**12}],
                "description": "a decimal string with at most two decimals, or an integer; never a float",
                "examples": ["1500.00"]}
Money = Annotated[Decimal, BeforeValidator(lambda v: parse_money(v)), WithJsonSchema(MONEY_SCHEMA)]
PositiveMoney = Annotated[Decimal, BeforeValidator(lambda v: parse_money(v, allow_zero=False)),
                          WithJsonSchema(MONEY_SCHEMA)]

UUID4_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
Uuid4 = Annotated[StrictStr, Field(pattern=UUID4_PATTERN)]


class StrictModel(BaseModel):
    """Commands refuse unknown fields (a typo is a 422 naming it, not silently ignored)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)
