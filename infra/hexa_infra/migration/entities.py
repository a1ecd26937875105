"""Legacy rows → the platform's records, one function per legacy table (see :mod:`.mapping`).

Each returns ``(Outcome, record)``; ``record`` is ``None`` unless the row is kept. The records are the
owning context's own domain objects, so what is written and what is compared is exactly what that
context would hold.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from campaign_management.domain.campaign import Campaign, CampaignStatus
from campaign_management.domain.performance import DailyMetrics
from onboarding.domain.events import ContractEvent, ContractMigrated
from partner_management.domain.commission import CommissionLine
from partner_management.domain.partner import (
    Partner,
    PartnerStatus,
    PartnerType,
    check_commission_rate,
    check_country,
    check_phone,
    check_tax_id,
    normalise_email,
)

from .mapping import (
    CAMPAIGN_STATES,
    CONTRACT_STATES,
    CONTRACT_TYPES,
    PARTNER_STATES,
    PARTNER_TYPES,
    Outcome,
    Rejected,
    day,
    enum,
    identifier,
    metrics,
    money,
    ratio,
    text,
    utc,
)

# Ids of what the migration itself creates are derived from the legacy ids: a re-run makes the same.
MIGRATION_NAMESPACE = uuid.UUID("6f1c2a5e-8d0b-4f3e-9a7c-2b4d6e8f0a1c")
NAME_LENGTH, DESCRIPTION_LENGTH = 255, 10_000


def migrated_event_id(contract_id: str) -> str:
    return str(uuid.uuid5(MIGRATION_NAMESPACE, f"ContractMigrated/{contract_id}"))


def _checked(out: Outcome, check: Any, value: Any, column: str) -> Any:
    try:
        cleaned = check(value)
    except ValueError as error:
        raise Rejected(f"{column} {error}") from None
    if cleaned != value:
        out.note(f"{column} {value!r} read as {cleaned!r}")
    return cleaned


def partner(row: dict[str, Any]) -> tuple[Outcome, Partner | None]:
    out = Outcome("partners", str(row["id"]))
    try:
        identifier(row["id"], "id")
        email = _checked(out, normalise_email, row["email"] or "", "email")
        name = text(row["nombre"], "nombre", max_length=NAME_LENGTH, one_line=True)
        country = _checked(out, check_country, row["pais"] or "", "pais")
        phone = None if row["telefono"] is None else _checked(out, check_phone, row["telefono"], "telefono")
        tax_id = (
            None
            if row["identificacion_fiscal"] is None
            else _checked(out, check_tax_id, row["identificacion_fiscal"], "identificacion_fiscal")
        )
        rate = Decimal(ratio(check_commission_rate(row["tasa_comision"])))
        kind = PartnerType(enum(row["tipo"], PARTNER_TYPES, "tipo", out))
        status = PartnerStatus(enum(row["estado"], PARTNER_STATES, "estado", out))
        created, updated = utc(row["created_at"], "created_at"), utc(row["updated_at"], "updated_at")
    except (Rejected, ValueError) as error:
        return out.reject(str(error)), None
    return out, Partner(
        partner_id=out.id,
        name=name,
        email=email,
        partner_type=kind,
        country=country,
        commission_rate=rate,
        status=status,
        created_at=created,
        updated_at=updated,
        tax_id=tax_id,
        phone=phone,
        version=1,
        commission_history=((created, rate),),
    )


def contract(row: dict[str, Any], parent: str | None) -> tuple[Outcome, ContractEvent | None]:
    out = Outcome("contratos", str(row["id"]))
    if parent != "kept":
        return out.reject(f"parent rejected: {row['partner_id']}"), None
    try:
        identifier(row["id"], "id")
        kind = enum(row["tipo"], CONTRACT_TYPES, "tipo", out)
        status = enum(row["estado"], CONTRACT_STATES, "estado", out)
        terms = row["terminos"] if row["terminos"] is not None else {}
        if not isinstance(terms, dict):
            raise Rejected("terminos is not a JSON object")
        signed_at = utc(row["fecha_firma"], "fecha_firma") if row["fecha_firma"] else None
        activated_at = utc(row["fecha_activacion"], "fecha_activacion") if row["fecha_activacion"] else None
        if status == "ACTIVE" and activated_at is None:
            out.note("fecha_activacion is NULL: activation date unknown")
        signed_by = text(
            row["firmado_por"], "firmado_por", max_length=NAME_LENGTH, required=False, one_line=True
        )
        reason = text(row["motivo_terminacion"], "motivo_terminacion", max_length=2000, required=False)
        state = ContractMigrated(
            contract_type=kind,
            status=status,
            terms=terms,
            signed_by=signed_by,
            signed_at=signed_at,
            activated_at=activated_at,
            termination_reason=reason,
            created_at=utc(row["created_at"], "created_at"),
            legacy_id=out.id,
        )
        occurred = utc(row["updated_at"], "updated_at")
    except Rejected as error:
        return out.reject(str(error)), None
    return out, ContractEvent(
        contract_id=out.id,
        version=1,
        occurred_at=occurred,
        payload=state,
        partner_id=str(row["partner_id"]),
        contract_type=kind,
        correlation_id="migration",
        event_id=migrated_event_id(out.id),
    )


def campaign(row: dict[str, Any], parent: str | None) -> tuple[Outcome, Campaign | None]:
    """``spent`` stays 0 here: it is the sum of the campaign's migrated days, added by the loader."""
    out = Outcome("campaigns", str(row["id"]))
    if parent is None:
        return out.reject(f"partner {row['partner_id']} does not exist"), None
    if parent != "kept":
        return out.reject(f"parent rejected: {row['partner_id']}"), None
    try:
        identifier(row["id"], "id")
        status = CampaignStatus(enum(row["estado"], CAMPAIGN_STATES, "estado", out))
        budget = money(row["presupuesto"], "presupuesto", out)
        if not budget:
            raise Rejected("presupuesto is 0: a campaign needs a budget")
        start, end = row["fecha_inicio"], row["fecha_fin"]
        if end is None:
            raise Rejected("fecha_fin is NULL: a campaign needs an end date")
        if start is None:
            start = (row["created_at"] or row["updated_at"]).date()
            out.note(f"fecha_inicio is NULL: read as the creation day {start}")
        day(start, "fecha_inicio"), day(end, "fecha_fin")
        if end < start:
            raise Rejected(f"fecha_fin {end} is before fecha_inicio {start}")
        name = text(row["nombre"], "nombre", max_length=NAME_LENGTH, one_line=True)
        description = (
            text(row["descripcion"], "descripcion", max_length=DESCRIPTION_LENGTH, required=False) or ""
        )
        created = utc(row["created_at"], "created_at")
        updated = utc(row["updated_at"] or row["created_at"], "updated_at")
    except Rejected as error:
        return out.reject(str(error)), None
    return out, Campaign(
        campaign_id=out.id,
        partner_id=str(row["partner_id"]),
        name=name,
        description=description,
        budget=budget,
        status=status,
        start_date=start,
        end_date=end,
        spent=Decimal("0.00"),
        created_at=created,
        updated_at=updated,
        version=1,
    )


def performance(
    row: dict[str, Any], parent: str | None, winner: str | None
) -> tuple[Outcome, DailyMetrics | None]:
    """``winner``: the kept row of the same (campaign, day) when it is not this one (a later correction)."""
    out = Outcome("campaign_performance", str(row["id"]))
    if row["campaign_id"] is None:
        return out.reject("campaign_id is NULL"), None
    if parent is None:
        return out.reject(f"campaign {row['campaign_id']} does not exist"), None
    if parent != "kept":
        return out.reject(f"parent rejected: {row['campaign_id']}"), None
    try:
        identifier(row["id"], "id")
        when = day(row["fecha"], "fecha")
        values = metrics(row["metricas"], out)
    except (Rejected, ValueError) as error:
        return out.reject(str(error)), None
    if winner is not None:
        out.outcome, out.into, out.notes = "merged", winner, []
        out.reason = f"an earlier record of {when} for this campaign; the latest ({winner}) is the truth"
        return out, None
    return out, DailyMetrics(day=when, **values)


@dataclass(frozen=True)
class LedgerLine:
    line: CommissionLine
    recorded_at: str
    source_id: str


def commission(
    row: dict[str, Any], partner_parent: str | None, campaign_parent: str | None, winner: str | None
) -> tuple[Outcome, LedgerLine | None]:
    out = Outcome("comisiones", str(row["id"]))
    if partner_parent != "kept":
        return out.reject(f"parent rejected: {row['partner_id']}"), None
    if row["campaign_id"] is None:
        return out.reject("campaign_id is NULL: the ledger keeps a line per campaign and day"), None
    if campaign_parent != "kept":
        return out.reject(f"parent rejected: {row['campaign_id']}"), None
    try:
        identifier(row["id"], "id")
        day(row["fecha"], "fecha")
        base = money(row["base"], "base", out)
        amount = money(row["monto"], "monto", out)
        rate = Decimal(ratio(row["tasa"]))
        recorded = utc(row["created_at"], "created_at")
    except (Rejected, ValueError) as error:
        return out.reject(str(error)), None
    if winner is not None:
        out.outcome, out.into, out.notes = "merged", winner, []
        out.reason = f"another record of this partner, campaign and day; the latest ({winner}) is kept"
        return out, None
    line = CommissionLine(
        partner_id=str(row["partner_id"]),
        campaign_id=str(row["campaign_id"]),
        day=row["fecha"],
        revenue=base,
        commission_rate=rate,
        commission=amount,
    )  # as recorded, not recomputed
    return out, LedgerLine(line, recorded, out.id)
