"""The monolith's value domains and their platform names: the one place both directions read.

Legacy (Spanish) value → the platform's; :func:`legacy_value` goes back. ``hexa_infra.migration.mapping``
(monolith → platform) and :mod:`.rows` (platform → monolith) import these tables, so the two directions
cannot drift apart.
"""

from __future__ import annotations

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
CAMPAIGN_STATES = {s: s for s in ("ACTIVE", "PAUSED", "COMPLETED", "CANCELLED")}
METRICS = {"impresiones": "impressions", "clics": "clicks", "conversiones": "conversions"}
MONEY_METRICS = {"ingresos": "revenue", "gasto": "spend"}


def legacy_value(domain: dict[str, str], value: str, field: str) -> str:
    """The platform's ``value`` → the monolith's; a value the monolith has no word for is an error."""
    for legacy, platform in domain.items():
        if platform == value:
            return legacy
    raise ValueError(f"{field} {value!r} has no value in the monolith's domain {sorted(domain.values())}")
