"""Campaign Management's reads and edits on the fakes: a partner sees its own campaigns, permission and
performance only; the report's window is checked; an edit raising the budget must fit the limit."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from campaign_management.application.campaigns import edit_campaign
from campaign_management.application.commands import DateRange, EditCampaign, ListCampaigns
from campaign_management.application.ports import BudgetLimitExceeded
from campaign_management.application.queries import get_permission, list_campaigns, performance_report
from campaign_management.domain.campaign import Campaign
from campaign_management.domain.performance import DailyMetrics
from fakes.campaign_management import InMemoryCampaignStore, InMemoryPermissionStore
from hexa_shared.auth import Principal
from hexa_shared.clock import new_id, now_iso
from hexa_shared.errors import InvalidInput, NotFound

ADMIN = Principal("admin", "admin")
START = date(2026, 3, 1)


def _partner(permissions: InMemoryPermissionStore) -> Principal:
    partner_id = new_id()
    permissions.partner_registered(partner_id)
    permissions.contract_activated(partner_id, new_id(), "STANDARD")  # a 10,000.00 limit
    return Principal(partner_id, "partner", partner_id)


def _campaign(store: InMemoryCampaignStore, partner: Principal, budget: str = "1000.00") -> Campaign:
    campaign = Campaign.create(
        campaign_id=new_id(),
        partner_id=partner.partner_id or "",
        name="Spring",
        description="",
        budget=Decimal(budget),
        start_date=START,
        end_date=START + timedelta(days=60),
        now=now_iso(),
    )
    store.create(campaign, Decimal("10000.00"))
    return store.get(campaign.campaign_id)  # type: ignore[return-value]


def _days(store: InMemoryCampaignStore, campaign: Campaign, *spends: str) -> None:
    for offset, spend in enumerate(spends):
        before = store.get(campaign.campaign_id)
        metrics = DailyMetrics(START + timedelta(days=offset), 100, 10, 1, Decimal("40.00"), Decimal(spend))
        after, _ = before.record_spend_change(metrics.spend, now_iso())  # type: ignore[union-attr]
        store.record_day(before, after, metrics, None, [])  # type: ignore[arg-type]


def test_a_partner_lists_and_reads_its_own_only() -> None:
    store, permissions = InMemoryCampaignStore(), InMemoryPermissionStore()
    me, them = _partner(permissions), _partner(permissions)
    mine, theirs = _campaign(store, me), _campaign(store, them)
    assert [c.campaign_id for c in list_campaigns(ListCampaigns(), store, me)[0]] == [mine.campaign_id]
    assert list_campaigns(ListCampaigns(partner_id=them.partner_id), store, me) == ([], None)
    assert {c.campaign_id for c in list_campaigns(ListCampaigns(), store, ADMIN)[0]} == {
        mine.campaign_id,
        theirs.campaign_id,
    }
    with pytest.raises(NotFound):
        performance_report(theirs.campaign_id, DateRange(), store, me)
    assert get_permission(me.partner_id or "", permissions, me).can_create_campaigns
    with pytest.raises(NotFound):
        get_permission(them.partner_id or "", permissions, me)


def test_the_report_sums_the_window_and_refuses_an_inverted_one() -> None:
    store, permissions = InMemoryCampaignStore(), InMemoryPermissionStore()
    partner = _partner(permissions)
    campaign = _campaign(store, partner)
    _days(store, campaign, "10.00", "20.00", "30.00")
    window = DateRange.model_validate(
        {"from": START.isoformat(), "to": (START + timedelta(days=1)).isoformat()}
    )
    report = performance_report(campaign.campaign_id, window, store, partner)
    assert [d["date"] for d in report["series"]] == [
        START.isoformat(),
        (START + timedelta(days=1)).isoformat(),
    ]
    assert report["totals"]["spend"] == "30.00"
    assert report["budget_remaining"] == "940.00"  # lifetime: all three days count
    inverted = DateRange.model_validate({"from": "2026-03-05", "to": "2026-03-01"})
    with pytest.raises(InvalidInput) as refused:
        performance_report(campaign.campaign_id, inverted, store, partner)
    assert [issue.field for issue in refused.value.details] == ["to"]


def test_an_edit_that_raises_the_budget_must_fit_the_limit() -> None:
    store, permissions = InMemoryCampaignStore(), InMemoryPermissionStore()
    partner = _partner(permissions)
    first = _campaign(store, partner, "6000.00")
    second = _campaign(store, partner, "3000.00")
    with pytest.raises(BudgetLimitExceeded):
        edit_campaign(second.campaign_id, EditCampaign(budget="4000.01"), store, permissions, partner)
    assert store.get(second.campaign_id) == second
    lowered = edit_campaign(first.campaign_id, EditCampaign(budget="5000.00"), store, permissions, partner)
    raised = edit_campaign(second.campaign_id, EditCampaign(budget="5000.00"), store, permissions, partner)
    assert (lowered.budget, raised.budget) == (Decimal("5000.00"), Decimal("5000.00"))
    assert store.open_budgets([partner.partner_id or ""]) == {partner.partner_id: Decimal("10000.00")}
