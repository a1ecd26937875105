"""The monolith's values ⇄ the API's words (the monolith answering in the platform's vocabulary)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from datetime import datetime, timezone

PARTNER_TYPES = {
    "EMPRESA": "COMPANY",
    "INDIVIDUAL": "INDIVIDUAL",
    "AGENCIA": "AGENCY",
    "INFLUENCER": "INFLUENCER",
}
PARTNER_STATES = {"ACTIVO": "ACTIVE", "INACTIVO": "DEACTIVATED"}
CONTRACT_TYPES = {"ESTANDAR": "STANDARD", "PREMIUM": "PREMIUM", "EMPRESARIAL": "ENTERPRISE"}
CONTRACT_STATES = {
    "BORRADOR": "DRAFT",
    "PENDIENTE_FIRMA": "PENDING_SIGNATURE",
    "FIRMADO": "SIGNED",
    "ACTIVO": "ACTIVE",
    "TERMINADO": "TERMINATED",
}
LIMITS = {
    "ESTANDAR": Decimal("10000.00"),
    "PREMIUM": Decimal("50000.00"),
    "EMPRESARIAL": Decimal("250000.00"),
}
CONTRACT_ORDER = ("BORRADOR", "PENDIENTE_FIRMA", "FIRMADO", "ACTIVO")
CENT = Decimal("0.01")


def english(domain: dict[str, str], value: str | None) -> str | None:
    """A stored value in the API's words (the monolith's stray case and spaces tolerated)."""
    if value is None:
        return None
    return domain.get(value.strip().upper(), value.strip().upper())


def spanish(domain: dict[str, str], value: str) -> str | None:
    return next((legacy for legacy, word in domain.items() if word == value), None)


def timestamp(moment: datetime | None) -> str | None:
    """Naive UTC (the monolith's convention) → ``2026-11-30T16:33:31.123Z``."""
    if moment is None:
        return None
    moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def money(value: Decimal | int | float | str | None) -> str:
    return str(Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP))


def rate(value: Decimal) -> str:
    normal = Decimal(value).normalize()
    return str(normal.quantize(CENT) if normal.as_tuple().exponent > -2 else normal)
