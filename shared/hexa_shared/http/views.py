"""Building blocks of response models: what the API answers is declared, checked and documented once.

Every route's answer goes through its response model (strict: no coercion, no unknown fields) before it
leaves, and the OpenAPI document is generated from the same models, so the spec cannot drift from
the code without a test noticing.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StrictStr


class View(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


MoneyText = Annotated[StrictStr, Field(pattern=r"^-?\d+\.\d{2}$", examples=["1500.00"])]
RatioText = Annotated[StrictStr, Field(pattern=r"^-?\d+(\.\d+)?$", examples=["0.0420"])]
DateText = Annotated[StrictStr, Field(json_schema_extra={"format": "date"})]
Timestamp = Annotated[StrictStr, Field(description="ISO 8601 UTC timestamp")]
NextToken = Annotated[
    Optional[StrictStr], Field(description="pass back as next_token for the next page; null on the last page")
]


def values_of(enum: type[Enum]) -> Any:
    """``Literal["A", "B", …]`` of an enum's values: strict models accept the wire strings, not members."""
    return Literal[tuple(member.value for member in enum)]  # type: ignore[valid-type]


class ErrorDetail(View):
    field: StrictStr
    issue: StrictStr


class ErrorInfo(View):
    code: StrictStr = Field(examples=["validation_failed"])
    message: StrictStr
    details: list[ErrorDetail]


class ErrorBody(View):
    """DESIGN.md §2's error body; every 4xx/5xx answer has this shape."""

    error: ErrorInfo
