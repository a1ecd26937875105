"""The Partner entity and its rules (pure: no I/O)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from enum import Enum

from hexa_shared.errors import Conflict, InvalidInput, FieldIssue
from partner_management.domain.countries import ISO_3166_ALPHA_2

E164 = re.compile(r"^\+[1-9]\d{1,14}$")
TAX_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]{0,31}$")
EMAIL = re.compile(
    r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
MAX_COMMISSION = Decimal("0.5")
DEFAULT_COMMISSION = Decimal("0.10")


class PartnerType(str, Enum):
    COMPANY = "COMPANY"
    INDIVIDUAL = "INDIVIDUAL"
    AGENCY = "AGENCY"
    INFLUENCER = "INFLUENCER"


class PartnerStatus(str, Enum):
    ACTIVE = "ACTIVE"
    DEACTIVATED = "DEACTIVATED"


def normalise_email(email: str) -> str:
    """Emails are unique case-insensitively: we store and compare the trimmed lower-case form."""
    value = email.strip().lower()
    if len(value) > 254 or not EMAIL.match(value):
        raise ValueError("not a valid email address")
    return value


def check_country(country: str) -> str:
    value = country.strip().upper()
    if value not in ISO_3166_ALPHA_2:
        raise ValueError("not an ISO-3166 alpha-2 country code")
    return value


def check_phone(phone: str) -> str:
    value = re.sub(r"[\s()-]", "", phone)
    if not E164.match(value):
        raise ValueError("not an E.164 phone number (e.g. +34911222333)")
    return value


def check_tax_id(tax_id: str) -> str:
    value = tax_id.strip()
    if not TAX_ID.match(value):
        raise ValueError("1-32 letters, digits, spaces, '.', '/' or '-'")
    return value


def check_commission_rate(rate: Decimal | str) -> Decimal:
    try:
        value = Decimal(str(rate))
    except InvalidOperation:
        raise ValueError("not a decimal number") from None
    if not value.is_finite() or value < 0 or value > MAX_COMMISSION:
        raise ValueError("must be between 0 and 0.5")
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # a finite Decimal's exponent is a number ('n'/'N'/'F' are NaN/Infinity)
    if exponent < -4:
        raise ValueError("at most 4 decimal places")
    return value.quantize(Decimal("0.01")) if exponent > -2 else value


@dataclass(frozen=True)
class Partner:
    partner_id: str
    name: str
    email: str
    partner_type: PartnerType
    country: str
    commission_rate: Decimal
    status: PartnerStatus
    created_at: str
    updated_at: str
    tax_id: str | None = None
    phone: str | None = None
    version: int = 0
    # (effective_from, rate) oldest first: commissions use the rate in force when revenue was earned
    commission_history: tuple[tuple[str, Decimal], ...] = ()

    @classmethod
    def register(
        cls,
        *,
        partner_id: str,
        name: str,
        email: str,
        partner_type: PartnerType,
        country: str,
        now: str,
        tax_id: str | None = None,
        phone: str | None = None,
        commission_rate: Decimal = DEFAULT_COMMISSION,
    ) -> "Partner":
        rate = check_commission_rate(commission_rate)
        return cls(
            partner_id=partner_id,
            name=name,
            email=normalise_email(email),
            partner_type=partner_type,
            country=check_country(country),
            commission_rate=rate,
            status=PartnerStatus.ACTIVE,
            created_at=now,
            updated_at=now,
            tax_id=tax_id,
            phone=phone,
            commission_history=((now, rate),),
        )

    def update(self, changes: dict[str, object], now: str) -> "Partner":
        """Apply a PATCH (name, phone, commission_rate, tax_id); a deactivated partner is frozen."""
        if self.status is PartnerStatus.DEACTIVATED:
            raise Conflict("a deactivated partner cannot be changed")
        unknown = set(changes) - {"name", "phone", "commission_rate", "tax_id"}
        if unknown:
            raise InvalidInput("not editable", [FieldIssue(f, "not editable") for f in sorted(unknown)])
        history = self.commission_history
        if "commission_rate" in changes and changes["commission_rate"] != self.commission_rate:
            history = history + ((now, changes["commission_rate"]),)  # type: ignore[operator]
        return replace(self, **changes, updated_at=now, commission_history=history)  # type: ignore[arg-type]

    def commission_rate_at(self, moment: str) -> Decimal:
        """The rate in force at ``moment`` (ISO-8601 UTC); before registration, the first rate."""
        rate = self.commission_history[0][1] if self.commission_history else self.commission_rate
        for effective_from, value in self.commission_history:
            if effective_from <= moment:
                rate = value
        return rate

    def deactivate(self, now: str) -> "Partner":
        if self.status is PartnerStatus.DEACTIVATED:
            raise Conflict("partner is already deactivated")
        return replace(self, status=PartnerStatus.DEACTIVATED, updated_at=now)

    def to_dict(self) -> dict[str, object]:
        return {
            "partner_id": self.partner_id,
            "name": self.name,
            "email": self.email,
            "partner_type": self.partner_type.value,
            "country": self.country,
            "tax_id": self.tax_id,
            "phone": self.phone,
            "commission_rate": str(self.commission_rate),
            "status": self.status.value,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }
