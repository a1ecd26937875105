"""The CampaignStore port's contract, on the in-memory fake and DynamoDB alike: every write is guarded by
the campaign's version and writes all or nothing; the partner's open-budget total moves with its
campaigns and never passes the limit; a day's metrics and the campaign's spend move together; events
are recorded with the write that raised them; reads page and order as the API promises."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from campaign_management.application.events import budget_exhausted, performance_recorded
from campaign_management.application.ports import BudgetLimitExceeded, CampaignStore, ConcurrentChange
from campaign_management.domain.campaign import Campaign, CampaignStatus
from campaign_management.domain.performance import DailyMetrics
from paged import every_page
from support import outbox_holds
from fakes.campaign_management import InMemoryCampaignStore
from hexa_shared.clock import new_id, now_iso

LIMIT = Decimal("5000.00")


def _campaign(partner_id: str, budget: str = "1000.00") -> Campaign:
    return Campaign.create(
        campaign_id=new_id(),
        partner_id=partner_id,
        name="Contract run",
        description="",
        budget=Decimal(budget),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        now=now_iso(),
    )


def _day(day: int, spend: str) -> DailyMetrics:
    return DailyMetrics(
        day=date(2026, 3, day),
        impressions=100,
        clicks=10,
        conversions=1,
        revenue=Decimal("50.00"),
        spend=Decimal(spend),
    )


class CampaignStoreContract:
    """Subclasses provide ``store`` and ``recorded(event_id)`` (is the event in the outbox?)."""

    store: CampaignStore

    def recorded(self, event_id: str) -> bool:
        raise NotImplementedError

    def open_budget(self, partner_id: str) -> Decimal:
        return self.store.open_budgets([partner_id]).get(partner_id, Decimal("0"))  # type: ignore[attr-defined]

    def _created(self, partner_id: str, budget: str = "1000.00") -> Campaign:
        campaign = _campaign(partner_id, budget)
        self.store.create(campaign, LIMIT)
        stored = self.store.get(campaign.campaign_id)
        assert stored is not None
        return stored

    # ------------------------------------------------------------------ create and the limit
    def test_a_created_campaign_reads_back_at_version_1_and_holds_its_budget(self) -> None:
        partner_id = new_id()
        campaign = _campaign(partner_id)
        self.store.create(campaign, LIMIT)
        stored = self.store.get(campaign.campaign_id)
        assert stored is not None and stored.version == 1
        assert stored.to_dict() == campaign.to_dict()
        assert self.open_budget(partner_id) == Decimal("1000.00")

    def test_creates_fit_up_to_the_limit_and_the_one_past_it_writes_nothing(self) -> None:
        partner_id = new_id()
        self._created(partner_id, "3000.00")
        self._created(partner_id, "2000.00")  # exactly the limit
        late = _campaign(partner_id, "0.01")
        with pytest.raises(BudgetLimitExceeded) as refused:
            self.store.create(late, LIMIT)
        assert [issue.field for issue in refused.value.details] == ["budget"]
        assert self.store.get(late.campaign_id) is None
        assert self.open_budget(partner_id) == LIMIT

    def test_the_limit_is_per_partner(self) -> None:
        self._created(new_id(), "5000.00")
        assert self._created(new_id(), "5000.00").version == 1

    # ------------------------------------------------------------------ save
    def test_closing_a_campaign_releases_its_budget_and_records_its_event(self) -> None:
        partner_id = new_id()
        before = self._created(partner_id, "5000.00")
        after = before.cancel(now_iso())
        event = budget_exhausted(after, "contract")
        saved = self.store.save(before, after, None, [event])
        assert saved.version == 2 and saved.status is CampaignStatus.CANCELLED
        assert self.store.get(before.campaign_id) == saved
        assert self.open_budget(partner_id) == Decimal("0")
        assert self.recorded(event.event_id)
        assert self._created(partner_id, "5000.00").version == 1  # the freed budget fits again

    def test_a_budget_increase_past_the_limit_writes_nothing(self) -> None:
        partner_id = new_id()
        before = self._created(partner_id, "4000.00")
        after = before.edit(
            name=None,
            description=None,
            budget=Decimal("5000.01"),
            start_date=None,
            end_date=None,
            now=now_iso(),
        )
        with pytest.raises(BudgetLimitExceeded):
            self.store.save(before, after, LIMIT)
        assert self.store.get(before.campaign_id) == before
        assert self.open_budget(partner_id) == Decimal("4000.00")

    def test_a_save_over_a_stale_read_is_a_conflict_and_writes_nothing(self) -> None:
        partner_id = new_id()
        stale = self._created(partner_id)
        current = self.store.save(stale, stale.pause(now_iso()), None)
        late = stale.cancel(now_iso())
        event = budget_exhausted(late, "contract")
        with pytest.raises(ConcurrentChange):
            self.store.save(stale, late, None, [event])
        assert self.store.get(stale.campaign_id) == current
        assert self.open_budget(partner_id) == Decimal("1000.00")  # the cancel released nothing
        assert not self.recorded(event.event_id)

    # ------------------------------------------------------------------ days
    def test_a_day_and_the_campaigns_spend_move_together(self) -> None:
        before = self._created(new_id())
        metrics = _day(2, "40.00")
        after, _ = before.record_spend_change(metrics.spend, now_iso())
        event = performance_recorded(after, metrics, "contract")
        self.store.record_day(before, after, metrics, None, [event])
        assert self.store.day(before.campaign_id, metrics.day) == metrics
        stored = self.store.get(before.campaign_id)
        assert stored is not None and (stored.spent, stored.version) == (Decimal("40.00"), 2)
        assert self.recorded(event.event_id)

        corrected = replace(metrics, spend=Decimal("25.00"))
        again, _ = stored.record_spend_change(corrected.spend - metrics.spend, now_iso())
        self.store.record_day(stored, again, corrected, metrics, [])
        assert self.store.day(before.campaign_id, metrics.day) == corrected
        assert self.store.get(before.campaign_id).spent == Decimal("25.00")  # type: ignore[union-attr]

    def test_a_day_over_a_stale_campaign_is_a_conflict_and_writes_nothing(self) -> None:
        stale = self._created(new_id())
        self.store.save(stale, stale.pause(now_iso()), None)
        metrics = _day(3, "10.00")
        after, _ = stale.record_spend_change(metrics.spend, now_iso())
        event = performance_recorded(after, metrics, "contract")
        with pytest.raises(ConcurrentChange):
            self.store.record_day(stale, after, metrics, None, [event])
        assert self.store.day(stale.campaign_id, metrics.day) is None
        assert self.store.get(stale.campaign_id).spent == Decimal("0.00")  # type: ignore[union-attr]
        assert not self.recorded(event.event_id)

    def test_the_series_is_in_day_order_within_inclusive_bounds(self) -> None:
        campaign = self._created(new_id())
        for day in (9, 2, 5, 7):
            current = self.store.get(campaign.campaign_id)
            metrics = _day(day, "1.00")
            after, _ = current.record_spend_change(metrics.spend, now_iso())  # type: ignore[union-attr]
            self.store.record_day(current, after, metrics, None, [])  # type: ignore[arg-type]
        days = [m.day.day for m in self.store.series(campaign.campaign_id, None, None)]
        assert days == [2, 5, 7, 9]
        within = self.store.series(campaign.campaign_id, date(2026, 3, 5), date(2026, 3, 7))
        assert [m.day.day for m in within] == [5, 7]
        assert [m.day.day for m in self.store.series(campaign.campaign_id, date(2026, 3, 6), None)] == [7, 9]
        assert [m.day.day for m in self.store.series(campaign.campaign_id, None, date(2026, 3, 4))] == [2]
        assert self.store.day(campaign.campaign_id, date(2026, 3, 3)) is None

    # ------------------------------------------------------------------ change capture
    def test_replication_writes_over_the_version_read_only(self) -> None:
        fresh = _campaign(new_id())
        self.store.replicate(replace(fresh, version=1), None)  # type: ignore[attr-defined]
        stored = self.store.get(fresh.campaign_id)
        assert stored is not None and stored.version == 1
        with pytest.raises(ConcurrentChange):  # it exists now: not new any more
            self.store.replicate(fresh, None)  # type: ignore[attr-defined]
        moved = replace(stored, spent=Decimal("10.00"))
        self.store.replicate(moved, stored)  # type: ignore[attr-defined]
        with pytest.raises(ConcurrentChange):  # over the version it no longer is
            self.store.replicate(replace(stored, spent=Decimal("99.00")), stored)  # type: ignore[attr-defined]
        current = self.store.get(fresh.campaign_id)
        assert current is not None and (current.spent, current.version) == (Decimal("10.00"), 2)

    # ------------------------------------------------------------------ paging
    def test_a_partners_campaigns_page_once_each_with_the_status_filter(self) -> None:
        partner_id = new_id()
        ours = [self._created(partner_id, "100.00") for _ in range(7)]
        for campaign in ours[:2]:
            self.store.save(campaign, campaign.pause(now_iso()), None)
        self._created(new_id(), "100.00")  # another partner's
        listed = every_page(lambda t: self.store.list_for_partner(partner_id, CampaignStatus.ACTIVE, 2, t), 2)
        assert all(c.partner_id == partner_id and c.status is CampaignStatus.ACTIVE for c in listed)
        assert sorted(c.campaign_id for c in listed) == sorted(c.campaign_id for c in ours[2:])

    def test_every_partners_campaigns_page_once_each(self) -> None:
        ours = {self._created(new_id(), "100.00").campaign_id for _ in range(5)}
        seen = [c.campaign_id for c in every_page(lambda t: self.store.list_all(None, 3, t), 3)]
        assert len(seen) == len(set(seen)) and ours <= set(seen)


class TestInMemoryCampaignStore(CampaignStoreContract):
    @pytest.fixture(autouse=True)
    def _store(self) -> None:
        self.store = InMemoryCampaignStore()

    def recorded(self, event_id: str) -> bool:
        return any(event.event_id == event_id for event in self.store.outbox)  # type: ignore[attr-defined]


class TestDynamoCampaignStore(CampaignStoreContract):
    @pytest.fixture(autouse=True)
    def _store(self, cloud) -> None:  # noqa: ANN001 - the running local cloud (its tables)
        from campaign_management.bootstrap import bootstrap

        self.store = bootstrap().campaigns
        self._outbox = os.environ["CAMPAIGN_OUTBOX_TABLE"]

    def recorded(self, event_id: str) -> bool:
        return outbox_holds(self._outbox, event_id)
