"""Per legacy table: what the platform should serve for a page of kept rows (the mapping, again) and what
it does serve (read back through the owning contexts' adapters), both in one canonical form — the
fields a client or a downstream fold sees, money and dates as strings."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from onboarding.domain.contract import Contract

from . import entities
from .platform import Platform
from .writers import KEPT_SQL, contract_facts

Canonical = dict[str, Any]


@dataclass(frozen=True)
class TableCheck:
    legacy: str
    extra: str  # more columns for the page query ({plan} is the plan table)
    expected: Callable[[dict[str, Any]], tuple[str, Canonical]]  # a kept row → (platform key, canonical)
    actual: Callable[
        [list[str], Platform], dict[str, Canonical]
    ]  # platform keys → canonical, for those found
    projected: bool = False  # read back from a stream projection that may trail the write a moment


def _partner_expected(row: dict[str, Any]) -> tuple[str, Canonical]:
    _, partner = entities.partner(row)
    deactivated = partner.status.value == "DEACTIVATED"
    return partner.partner_id, {
        **partner.to_dict(),
        "onboarding.registered": True,
        "onboarding.deactivated": deactivated,
        "onboarding.contract_ids": sorted(row["contract_ids"] or []),
        "permissions.registered": True,
        "permissions.deactivated": deactivated,
        "campaigns.open_budget": f"{Decimal(row['open_budget']):.2f}",
    }


def _partner_actual(ids: list[str], platform: Platform) -> dict[str, Canonical]:
    partners, known = platform.partners.get_many(ids), platform.known_partners.get_many(ids)
    standings, budgets = platform.permissions.standings(ids), platform.campaigns.open_budgets(ids)
    found = {}
    for partner_id, partner in partners.items():
        k, s = known.get(partner_id), standings.get(partner_id)
        found[partner_id] = {
            **partner.to_dict(),
            "onboarding.registered": k and k.registered,
            "onboarding.deactivated": k and k.deactivated,
            "onboarding.contract_ids": sorted(k.contract_ids) if k else None,
            "permissions.registered": s and s.registered,
            "permissions.deactivated": s and s.deactivated,
            "campaigns.open_budget": f"{budgets.get(partner_id, Decimal(0)):.2f}",
        }
    return found


def _contract_expected(row: dict[str, Any]) -> tuple[str, Canonical]:
    _, event = entities.contract(row, "kept")
    facts = contract_facts(event.contract_id, event.contract_type, event.data["status"])
    return event.contract_id, {
        **Contract.from_history([event]).to_dict(),
        "event.data": event.data,
        "event.id": event.event_id,
        "permissions.fact": None
        if facts is None
        else [facts.activated, facts.terminated, facts.contract_type],
    }


def _contract_actual(ids: list[str], platform: Platform) -> dict[str, Canonical]:
    views, firsts = platform.contracts.get_many(ids), platform.contract_events.first_events(ids)
    keys = [(v.partner_id, v.contract_id) for v in views.values()]
    facts = platform.permissions.contract_facts(keys)
    found = {}
    for contract_id, view in views.items():
        first, fact = firsts.get(contract_id), facts.get(contract_id)
        found[contract_id] = {
            **view.to_dict(),
            "event.data": first.data if first else None,
            "event.id": first.event_id if first else None,
            "permissions.fact": None
            if fact is None
            else [fact.activated, fact.terminated, fact.contract_type],
        }
    return found


def _campaign_expected(row: dict[str, Any]) -> tuple[str, Canonical]:
    _, campaign = entities.campaign(row, "kept")
    spent = Decimal(row["spent"])
    return campaign.campaign_id, {
        **campaign.to_dict(),
        "spent": f"{spent:.2f}",
        "budget_exhausted": spent >= campaign.budget,
    }


def _campaign_actual(ids: list[str], platform: Platform) -> dict[str, Canonical]:
    return {campaign_id: c.to_dict() for campaign_id, c in platform.campaigns.get_many(ids).items()}


def _day_key(campaign_id: Any, day: Any) -> str:
    return f"{campaign_id}/{day.isoformat()}"


def _day_expected(row: dict[str, Any]) -> tuple[str, Canonical]:
    _, metrics = entities.performance(row, "kept", None)
    return _day_key(row["campaign_id"], metrics.day), metrics.metrics_dict()


def _day_actual(keys: list[str], platform: Platform) -> dict[str, Canonical]:
    from datetime import date

    pairs = [(k.split("/")[0], date.fromisoformat(k.split("/")[1])) for k in keys]
    return {_day_key(c, d): m.metrics_dict() for (c, d), m in platform.campaigns.days_of(pairs).items()}


def _line_key(partner_id: Any, day: Any, campaign_id: Any) -> str:
    return f"{partner_id}/{day.isoformat()}/{campaign_id}"


def _line_expected(row: dict[str, Any]) -> tuple[str, Canonical]:
    _, ledger = entities.commission(row, "kept", "kept", None)
    line = ledger.line
    return _line_key(line.partner_id, line.day, line.campaign_id), line.to_dict()


def _line_actual(keys: list[str], platform: Platform) -> dict[str, Canonical]:
    from datetime import date

    triples = [(p, date.fromisoformat(d), c) for p, d, c in (k.split("/") for k in keys)]
    return {
        _line_key(p, d, c): line.to_dict() for (p, d, c), line in platform.ledger.get_many(triples).items()
    }


CHECKS = (
    TableCheck(
        "partners",
        f"(SELECT array_agg(c.legacy_id::text) FROM {{plan}} c WHERE c.legacy_table = 'contratos' "
        f"AND c.parent_id = t.id AND c.outcome IN {KEPT_SQL}) AS contract_ids, "
        f"(SELECT coalesce(sum((c.facts->>'budget')::numeric), 0) FROM {{plan}} c "
        f"WHERE c.legacy_table = 'campaigns' AND c.parent_id = t.id AND c.outcome IN {KEPT_SQL} "
        f"AND c.facts->>'status' IN ('ACTIVE', 'PAUSED')) AS open_budget",
        _partner_expected,
        _partner_actual,
    ),
    TableCheck("contratos", "", _contract_expected, _contract_actual, projected=True),
    TableCheck(
        "campaigns",
        f"(SELECT coalesce(sum((d.facts->>'spend')::numeric), 0) FROM {{plan}} d "
        f"WHERE d.legacy_table = 'campaign_performance' AND d.parent_id = t.id "
        f"AND d.outcome IN {KEPT_SQL}) AS spent",
        _campaign_expected,
        _campaign_actual,
    ),
    TableCheck("campaign_performance", "", _day_expected, _day_actual),
    TableCheck("comisiones", "", _line_expected, _line_actual),
)
