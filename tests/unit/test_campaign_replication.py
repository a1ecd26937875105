"""Change capture's campaign days on the fakes: the campaign's spend is the sum of its stored days whatever
the interleaving of two days of one campaign, and a retry after a lost race converges."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from campaign_management.application.replication import replicate_day
from campaign_management.domain.campaign import Campaign
from campaign_management.domain.performance import DailyMetrics
from fakes.campaign_management import InMemoryCampaignStore
from hexa_shared.clock import new_id, now_iso


def _campaign(store: InMemoryCampaignStore) -> str:
    campaign = Campaign.create(
        campaign_id=new_id(),
        partner_id=new_id(),
        name="Verano",
        description="",
        budget=Decimal("1000.00"),
        start_date=date(2026, 6, 1),
        end_date=date(2026, 8, 31),
        now=now_iso(),
    )
    store.import_campaigns([campaign], [])
    return campaign.campaign_id


def _day(day: int, spend: str) -> DailyMetrics:
    return DailyMetrics(date(2026, 6, day), 1000, 50, 5, Decimal("400.00"), Decimal(spend))


class _StaleRival(InMemoryCampaignStore):
    """The other day's writer, which summed the days before this one was stored, sets its (stale) spend
    between this writer's read of the campaign and its write."""

    def __init__(self, stale_spend: str) -> None:
        super().__init__()
        self.stale_spend, self.raced = Decimal(stale_spend), False

    def replicate(self, campaign: Campaign, previous: Campaign | None) -> None:
        if not self.raced and previous is not None:
            self.raced = True
            current = self.campaigns[campaign.campaign_id]
            super().replicate(replace(current, spent=self.stale_spend), current)
        super().replicate(campaign, previous)


def test_a_day_that_loses_the_race_sets_the_sum_of_both_at_once() -> None:
    store = _StaleRival("120.50")
    campaign_id = _campaign(store)
    store.import_campaigns([], [(campaign_id, _day(1, "120.50"))])  # the rival's day, already stored
    assert replicate_day(campaign_id, _day(2, "79.50"), store)
    stored = store.get(campaign_id)
    assert store.raced and stored is not None and stored.spent == Decimal("200.00")


def test_a_redelivered_day_still_mends_a_stale_spend() -> None:
    store = InMemoryCampaignStore()
    campaign_id = _campaign(store)
    store.import_campaigns([], [(campaign_id, _day(1, "120.50")), (campaign_id, _day(2, "79.50"))])
    campaign = store.get(campaign_id)
    store.replicate(replace(campaign, spent=Decimal("120.50")), campaign)  # type: ignore[arg-type]
    assert replicate_day(campaign_id, _day(2, "79.50"), store) is True  # the day is there; the spend was not
    assert store.get(campaign_id).spent == Decimal("200.00")  # type: ignore[union-attr]
    assert replicate_day(campaign_id, _day(2, "79.50"), store) is False  # now nothing is left to do


def test_reaching_the_budget_through_days_marks_it_exhausted() -> None:
    store = InMemoryCampaignStore()
    campaign_id = _campaign(store)
    replicate_day(campaign_id, _day(1, "600.00"), store)
    replicate_day(campaign_id, _day(2, "400.00"), store)
    stored = store.get(campaign_id)
    assert stored is not None and (stored.spent, stored.budget_exhausted) == (Decimal("1000.00"), True)
