"""A platform record (a stream's new image, as plain values) → the legacy row it becomes.

Pure: no database, no AWS. Each function returns a :class:`LegacyRow`, or ``None`` for a record that
must not travel back — one the monolith itself wrote (``replicated_from == "blue"``: the migration or
the blue -> green change capture put it there, so the monolith already has it). Money and rates keep
their exact decimals; timestamps become the monolith's naive UTC.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from .vocabulary import (
    CAMPAIGN_STATES,
    CONTRACT_STATES,
    CONTRACT_TYPES,
    METRICS,
    MONEY_METRICS,
    PARTNER_STATES,
    PARTNER_TYPES,
    legacy_value,
)

# Legacy ids of rows the platform creates where the monolith keyed by something else (a campaign's
# day, a ledger line): derived from that key, so a replayed record writes the same row.
WRITER_NAMESPACE = uuid.UUID("0b7c6a52-3f0e-4c1d-9e8a-5d2f1a7b9c3e")
FROM_BLUE = "blue"


@dataclass(frozen=True)
class LegacyRow:
    table: str  # the legacy table
    row_id: str  # its primary key (for a day or a line: see ``natural_key``)
    values: dict[str, Any]  # column -> value
    version: int | None = None  # the record's version: an older one never overwrites a newer one
    natural_key: dict[str, Any] = field(default_factory=dict)  # an existing row to update instead of row_id
    partner_id: str | None = None


def partner(image: dict[str, Any]) -> LegacyRow | None:
    if image.get("replicated_from") == FROM_BLUE:
        return None
    return LegacyRow(
        "partners",
        image["partner_id"],
        {
            "nombre": image["name"],
            "email": image["email"],
            "tipo": legacy_value(PARTNER_TYPES, image["partner_type"], "partner_type"),
            "pais": image.get("country"),
            "telefono": image.get("phone"),
            "identificacion_fiscal": image.get("tax_id"),
            "tasa_comision": Decimal(str(image["commission_rate"])),
            "estado": legacy_value(PARTNER_STATES, image["status"], "status"),
            "created_at": naive_utc(image["created_at"]),
            "updated_at": naive_utc(image["updated_at"]),
        },
        version=int(image["version"]),
        partner_id=image["partner_id"],
    )


def contract(image: dict[str, Any]) -> LegacyRow | None:
    """The contracts read model's row. The monolith's signing and activation times are not in it: the
    row's ``updated_at`` is when it reached SIGNED or ACTIVE, and an existing date is never replaced."""
    if image.get("replicated_from") == FROM_BLUE:
        return None
    status = image["status"]
    updated = naive_utc(image["updated_at"])
    return LegacyRow(
        "contratos",
        image["contract_id"],
        {
            "partner_id": image["partner_id"],
            "tipo": legacy_value(CONTRACT_TYPES, image["contract_type"], "contract_type"),
            "estado": legacy_value(CONTRACT_STATES, status, "status"),
            "terminos": json.loads(image.get("terms") or "{}"),
            "firmado_por": image.get("signed_by"),
            "fecha_firma": updated if status in ("SIGNED", "ACTIVE") else None,
            "fecha_activacion": updated if status == "ACTIVE" else None,
            "motivo_terminacion": image.get("termination_reason"),
            "created_at": naive_utc(image["created_at"]),
            "updated_at": updated,
        },
        version=int(image["version"]),
        partner_id=image["partner_id"],
    )


def campaign(image: dict[str, Any]) -> LegacyRow | None:
    """``spent`` and ``budget_exhausted`` have no column: the monolith sums its days itself."""
    if image.get("replicated_from") == FROM_BLUE:
        return None
    return LegacyRow(
        "campaigns",
        image["campaign_id"],
        {
            "partner_id": image["partner_id"],
            "nombre": image["name"],
            "descripcion": image.get("description") or None,
            "presupuesto": Decimal(str(image["budget"])),
            "estado": legacy_value(CAMPAIGN_STATES, image["status"], "status"),
            "fecha_inicio": date.fromisoformat(image["start_date"]),
            "fecha_fin": date.fromisoformat(image["end_date"]),
            "created_at": naive_utc(image["created_at"]),
            "updated_at": naive_utc(image["updated_at"]),
        },
        version=int(image["version"]),
        partner_id=image["partner_id"],
    )


def campaign_day(image: dict[str, Any]) -> LegacyRow | None:
    """One (campaign, day): the monolith's newest row of that day is updated, or one is added."""
    if image.get("replicated_from") == FROM_BLUE:
        return None
    campaign_id, day = image["campaign_id"], date.fromisoformat(image["day"])
    metrics = {legacy: int(image[name]) for legacy, name in METRICS.items()}
    metrics.update({legacy: Decimal(str(image[name])) for legacy, name in MONEY_METRICS.items()})
    return LegacyRow(
        "campaign_performance",
        str(uuid.uuid5(WRITER_NAMESPACE, f"campaign_performance/{campaign_id}/{day}")),
        {"campaign_id": campaign_id, "fecha": day, "metricas": metrics},
        natural_key={"campaign_id": campaign_id, "fecha": day},
    )


def commission_line(image: dict[str, Any]) -> LegacyRow | None:
    """One ledger line (partner, campaign, day): the monolith's newest such row is updated, or one added."""
    if image.get("replicated_from") == FROM_BLUE:
        return None
    partner_id, campaign_id, day = image["partner_id"], image["campaign_id"], date.fromisoformat(image["day"])
    return LegacyRow(
        "comisiones",
        str(uuid.uuid5(WRITER_NAMESPACE, f"comisiones/{partner_id}/{campaign_id}/{day}")),
        {
            "partner_id": partner_id,
            "campaign_id": campaign_id,
            "fecha": day,
            "base": Decimal(str(image["revenue"])),
            "tasa": Decimal(str(image["commission_rate"])),
            "monto": Decimal(str(image["commission"])),
            "created_at": naive_utc(image["source_occurred_at"]),
        },
        natural_key={"partner_id": partner_id, "campaign_id": campaign_id, "fecha": day},
        partner_id=partner_id,
    )


def naive_utc(moment: str) -> datetime:
    """``2026-11-30T10:00:00.123Z`` → a naive UTC datetime (the monolith's TIMESTAMP convention)."""
    parsed = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


MAPPERS = {
    "partners": partner,
    "contracts": contract,
    "campaigns": campaign,
    "campaign_days": campaign_day,
    "commission_lines": commission_line,
}
