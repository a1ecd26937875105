"""What one page of kept legacy rows becomes in the platform, per legacy table: the rows are mapped again
(the same pure mapping the plan used) and handed to the owning contexts' migration use cases."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from campaign_management.application import migration as campaigns
from campaign_management.domain.permissions import ContractFacts, PartnerStanding
from onboarding.application import migration as onboarding
from onboarding.domain.partners import KnownPartner
from partner_management.application import migration as partners
from partner_management.domain.partner import PartnerStatus

from . import entities
from .platform import Platform

KEPT_SQL = "('migrated', 'normalised')"


@dataclass(frozen=True)
class TableLoad:
    legacy: str
    extra: str  # more columns for the page query ({plan} is the plan table)
    write: Callable[[list[dict[str, Any]], Platform], int]  # → DynamoDB items written


def _kept(mapped: tuple[Any, Any]) -> Any:
    """The record of a row the plan kept (the mapping is pure: it cannot decide otherwise now)."""
    out, record = mapped
    if record is None:
        raise RuntimeError(
            f"{out.table} {out.id}: the plan kept it but the mapping now says {out.outcome}: "
            f"{out.described()} (legacy data changed during the load? run it again)"
        )
    return record


def write_partners(rows: list[dict[str, Any]], platform: Platform) -> int:
    mapped = [_kept(entities.partner(row)) for row in rows]
    contract_ids = {str(row["id"]): row["contract_ids"] or [] for row in rows}
    partners.import_partners(mapped, platform.partners)
    onboarding.import_known_partners(
        [
            KnownPartner(
                p.partner_id,
                registered=True,
                deactivated=p.status is PartnerStatus.DEACTIVATED,
                contract_ids=frozenset(contract_ids[p.partner_id]),
            )
            for p in mapped
        ],
        platform.known_partners,
    )
    campaigns.import_permission_facts(
        [
            (
                p.partner_id,
                PartnerStanding(registered=True, deactivated=p.status is PartnerStatus.DEACTIVATED),
            )
            for p in mapped
        ],
        [],
        platform.permissions,
    )
    return len(mapped) * 4  # partner + email guard + Onboarding's partner + Campaign Management's standing


def write_contracts(rows: list[dict[str, Any]], platform: Platform) -> int:
    events = [_kept(entities.contract(row, "kept")) for row in rows]
    onboarding.import_contracts(events, platform.contract_events)
    facts = [(e.partner_id, contract_facts(e.contract_id, e.contract_type, e.data["status"])) for e in events]
    facts = [(partner_id, f) for partner_id, f in facts if f is not None]
    campaigns.import_permission_facts([], facts, platform.permissions)
    return len(events) + len(facts)


def contract_facts(contract_id: str, contract_type: str, status: str) -> ContractFacts | None:
    """The sticky facts a migrated contract stands for: an ACTIVE one grants, a TERMINATED one no longer
    can."""
    if status == "ACTIVE":
        return ContractFacts(contract_id, contract_type, activated=True)
    if status == "TERMINATED":
        return ContractFacts(contract_id, contract_type, terminated=True)
    return None


def write_campaigns(rows: list[dict[str, Any]], platform: Platform) -> int:
    mapped = [(_kept(entities.campaign(row, "kept")), Decimal(row["spent"])) for row in rows]
    return campaigns.import_campaigns(mapped, platform.campaigns)


def write_days(rows: list[dict[str, Any]], platform: Platform) -> int:
    days = [(str(row["campaign_id"]), _kept(entities.performance(row, "kept", None))) for row in rows]
    return campaigns.import_days(days, platform.campaigns)


def write_commissions(rows: list[dict[str, Any]], platform: Platform) -> int:
    lines = [_kept(entities.commission(row, "kept", "kept", None)) for row in rows]
    return partners.import_commission_lines(
        [(x.line, x.recorded_at, x.source_id) for x in lines], platform.ledger
    )


TABLES = (
    TableLoad(
        "partners",
        f"(SELECT array_agg(c.legacy_id::text) FROM {{plan}} c WHERE c.legacy_table = 'contratos' "
        f"AND c.parent_id = t.id AND c.outcome IN {KEPT_SQL}) AS contract_ids",
        write_partners,
    ),
    TableLoad("contratos", "", write_contracts),
    TableLoad(
        "campaigns",
        f"(SELECT coalesce(sum((d.facts->>'spend')::numeric), 0) FROM {{plan}} d "
        f"WHERE d.legacy_table = 'campaign_performance' AND d.parent_id = t.id "
        f"AND d.outcome IN {KEPT_SQL}) AS spent",
        write_campaigns,
    ),
    TableLoad("campaign_performance", "", write_days),
    TableLoad("comisiones", "", write_commissions),
)
