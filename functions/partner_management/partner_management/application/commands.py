"""Validated inputs of the Partner Management use cases (pydantic: field-level 422 details)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Optional

from pydantic import BeforeValidator, Field, StrictStr, field_validator

from partner_management.domain.partner import (
    DEFAULT_COMMISSION,
    PartnerStatus,
    PartnerType,
    check_commission_rate,
    check_country,
    check_phone,
    check_tax_id,
    normalise_email,
)
from hexa_shared.fields import StrictModel, line
from hexa_shared.http.pagination import DEFAULT_LIMIT, MAX_LIMIT


RATE = re.compile(r"\d(\.\d{1,4})?", re.ASCII)


def _rate(value: object) -> Decimal:
    """A decimal string (``"0.10"``) or the integer 0: never a JSON float, an exponent or a sign."""
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not RATE.fullmatch(str(value)):
        raise ValueError(
            'must be a decimal string between "0" and "0.5" with at most 4 decimals, e.g. "0.10"'
        )
    return check_commission_rate(str(value))


CommissionRate = Annotated[Decimal, BeforeValidator(_rate)]


if TYPE_CHECKING:  # one-line text fields (an Annotated type built at run time; mypy sees str)
    Name = str
else:
    Name = line(255)  # the monolith allowed 255 (VARCHAR(255)): the platform takes what it holds


class RegisterPartner(StrictModel):
    name: Name
    email: StrictStr
    partner_type: PartnerType
    country: StrictStr
    tax_id: Optional[StrictStr] = None
    phone: Optional[StrictStr] = None
    commission_rate: CommissionRate = DEFAULT_COMMISSION

    _email = field_validator("email")(lambda cls, v: normalise_email(v))
    _country = field_validator("country")(lambda cls, v: check_country(v))
    _phone = field_validator("phone")(lambda cls, v: None if v is None else check_phone(v))
    _tax_id = field_validator("tax_id")(lambda cls, v: None if v is None else check_tax_id(v))


class UpdatePartner(StrictModel):
    name: Optional[Name] = None
    phone: Optional[StrictStr] = None
    commission_rate: Optional[CommissionRate] = None
    tax_id: Optional[StrictStr] = None

    _phone = field_validator("phone")(lambda cls, v: None if v is None else check_phone(v))
    _tax_id = field_validator("tax_id")(lambda cls, v: None if v is None else check_tax_id(v))

    def changes(self) -> dict[str, object]:
        """Only the fields the caller sent; ``null`` clears phone / tax_id, but name and rate are required."""
        sent = self.model_dump(exclude_unset=True)
        for required in ("name", "commission_rate"):
            if required in sent and sent[required] is None:
                raise ValueError(required)
        return sent


class ListPartners(StrictModel):
    status: Optional[PartnerStatus] = None
    partner_type: Optional[PartnerType] = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    next_token: Optional[str] = None
