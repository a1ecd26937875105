"""Campaign Management's side of change capture while the monolith still serves some partners: the
monolith's newest state of a campaign or of one of its days, and what the context derives from them.

The monolith keeps no spend on a campaign: the platform's ``spent`` stays the sum of the campaign's
days, recomputed when a day arrives, and the partner's open-budget total is recomputed from its
campaigns (set, not added: applying a change twice changes nothing). Limits are not enforced on the
way in — the monolith accepted the campaign; the platform records what happened.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Protocol

from campaign_management.application.ports import ConcurrentChange
from campaign_management.domain.campaign import Campaign, CampaignStatus
from campaign_management.domain.performance import DailyMetrics

SPEND_ATTEMPTS = 5  # a day racing another day of the same campaign for its version
COMPARED = ("partner_id", "name", "description", "budget", "status", "start_date", "end_date", "created_at")


class CampaignReplica(Protocol):
    def get(self, campaign_id: str) -> Campaign | None: ...

    def replicate(self, campaign: Campaign, previous: Campaign | None) -> None: ...

    def day(self, campaign_id: str, day: date) -> DailyMetrics | None: ...

    def series(self, campaign_id: str, start: date | None, end: date | None) -> list[DailyMetrics]: ...

    def list_for_partner(
        self, partner_id: str, status: CampaignStatus | None, limit: int, next_token: str | None
    ) -> tuple[list[Campaign], str | None]: ...

    def import_campaigns(self, campaigns: list[Campaign], days: list[tuple[str, DailyMetrics]]) -> int: ...

    def import_open_budgets(self, totals: list[tuple[str, Decimal]]) -> int: ...


def replicate_campaign(campaign: Campaign, store: CampaignReplica) -> bool:
    """``campaign`` as mapped from the monolith's row; ``False`` when the platform already had it."""
    current = store.get(campaign.campaign_id)
    if current is None:
        spent = _spent(campaign.campaign_id, store)
        store.replicate(
            replace(campaign, spent=spent, budget_exhausted=spent >= campaign.budget, version=1), None
        )
    elif all(getattr(current, name) == getattr(campaign, name) for name in COMPARED):
        return False
    else:
        store.replicate(
            replace(
                campaign,
                spent=current.spent,
                version=current.version,
                budget_exhausted=current.spent >= campaign.budget,
            ),
            current,
        )
    _recount_open_budget(campaign.partner_id, store)
    return True


def replicate_day(campaign_id: str, metrics: DailyMetrics, store: CampaignReplica) -> bool:
    """One day of a campaign as the monolith has it now; the campaign's spend follows.

    The spend is the sum of the stored days, set on the campaign only if it is still the version read.
    Two days of one campaign applied side by side race for that version: the loser reads again and
    sets the new sum at once. A delivery whose day is already stored still checks the spend, so a
    retry after a lost race (or a crash between the two writes) converges instead of stopping early.
    """
    changed = store.day(campaign_id, metrics.day) != metrics
    if changed:
        store.import_campaigns([], [(campaign_id, metrics)])
    for attempt in range(SPEND_ATTEMPTS):
        campaign = store.get(campaign_id)
        if campaign is None:
            return changed
        spent = _spent(campaign_id, store)
        if spent == campaign.spent:
            return changed
        try:
            store.replicate(
                replace(campaign, spent=spent, budget_exhausted=spent >= campaign.budget), campaign
            )
            return True
        except ConcurrentChange:
            if attempt == SPEND_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _spent(campaign_id: str, store: CampaignReplica) -> Decimal:
    return sum((day.spend for day in store.series(campaign_id, None, None)), Decimal("0.00"))


def _recount_open_budget(partner_id: str, store: CampaignReplica) -> None:
    total, token = Decimal("0.00"), None
    while True:
        page, token = store.list_for_partner(partner_id, None, 200, token)
        total += sum((c.committed_budget for c in page), Decimal("0.00"))
        if not token:
            break
    store.import_open_budgets([(partner_id, total)])
