"""Campaign Management's part of the move from the monolith: campaigns, their days, and what the
context derives from them and from contracts — spend, open-budget totals, permission facts.

Nothing here emits an event (no commission is recomputed from a migrated day: the ledger comes from
the monolith's own commissions). Limits are not enforced on the way in: an open budget above what
the partner's contract allows today is a fact of the past, kept (and reported by the tooling); new
campaigns for that partner then meet the normal 422.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Protocol

from campaign_management.domain.campaign import Campaign
from campaign_management.domain.performance import DailyMetrics
from campaign_management.domain.permissions import ContractFacts, PartnerStanding


class CampaignImport(Protocol):
    def import_campaigns(self, campaigns: list[Campaign], days: list[tuple[str, DailyMetrics]]) -> int: ...

    def import_open_budgets(self, totals: list[tuple[str, Decimal]]) -> int: ...


class PermissionImport(Protocol):
    def import_facts(
        self, standings: list[tuple[str, PartnerStanding]], contracts: list[tuple[str, ContractFacts]]
    ) -> int: ...


def import_campaigns(campaigns: list[tuple[Campaign, Decimal]], store: CampaignImport) -> int:
    """(campaign, its spend: the sum of its migrated days); a campaign whose spend reached its budget is
    marked exhausted, as the platform would have marked it."""
    store.import_campaigns(
        [replace(c, spent=spent, budget_exhausted=spent >= c.budget) for c, spent in campaigns], []
    )
    return len(campaigns)


def import_days(days: list[tuple[str, DailyMetrics]], store: CampaignImport) -> int:
    store.import_campaigns([], days)
    return len(days)


def import_open_budgets(totals: list[tuple[str, Decimal]], store: CampaignImport) -> int:
    """Each partner's ACTIVE + PAUSED total, set (not added): a re-run changes nothing."""
    store.import_open_budgets(totals)
    return len(totals)


def import_permission_facts(
    standings: list[tuple[str, PartnerStanding]],
    contracts: list[tuple[str, ContractFacts]],
    store: PermissionImport,
) -> int:
    """Partners' standings and contracts' facts: the permission is folded from them as for live events."""
    store.import_facts(standings, contracts)
    return len(standings) + len(contracts)
