"""Campaign lifecycle, budget and spend rules; KPI math; money parsing (pure domain logic)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from campaign_management.domain.campaign import Campaign, CampaignStatus, IllegalTransition
from campaign_management.domain.performance import DailyMetrics, report
from hexa_shared.errors import InvalidInput
from hexa_shared.money import parse_money

NOW = "2026-11-27T10:00:00.000Z"
S = CampaignStatus


def campaign(budget: str = "100.00", status: CampaignStatus = S.ACTIVE) -> Campaign:
    c = Campaign.create(
        campaign_id="c",
        partner_id="p",
        name="n",
        description="",
        budget=Decimal(budget),
        start_date=date(2026, 11, 1),
        end_date=date(2026, 11, 30),
        now=NOW,
    )
    if status is S.PAUSED:
        c = c.pause(NOW)
    elif status is S.COMPLETED:
        c = c.complete(NOW)
    elif status is S.CANCELLED:
        c = c.cancel(NOW)
    return c


LEGAL = {
    S.ACTIVE: {"pause": S.PAUSED, "complete": S.COMPLETED, "cancel": S.CANCELLED},
    S.PAUSED: {"resume": S.ACTIVE, "complete": S.COMPLETED, "cancel": S.CANCELLED},
    S.COMPLETED: {},
    S.CANCELLED: {},
}


@pytest.mark.parametrize(
    "status,command", [(s, c) for s in S for c in ("pause", "resume", "complete", "cancel")]
)
def test_lifecycle(status: CampaignStatus, command: str) -> None:
    c = campaign(status=status)
    if command in LEGAL[status]:
        assert getattr(c, command)(NOW).status is LEGAL[status][command]
    else:
        with pytest.raises(IllegalTransition):
            getattr(c, command)(NOW)


def test_only_open_campaigns_hold_budget() -> None:
    assert campaign(status=S.ACTIVE).committed_budget == Decimal("100.00")
    assert campaign(status=S.PAUSED).committed_budget == Decimal("100.00")
    assert campaign(status=S.COMPLETED).committed_budget == 0
    assert campaign(status=S.CANCELLED).committed_budget == 0


def test_spend_reaching_budget_pauses_once_and_correction_rearms() -> None:
    c, first = campaign().record_spend_change(Decimal("60.00"), NOW)
    assert (c.status, first, c.budget_exhausted) == (S.ACTIVE, False, False)
    c, reached = c.record_spend_change(Decimal("40.00"), NOW)
    assert (c.status, reached, c.spent) == (S.PAUSED, True, Decimal("100.00"))
    c, again = c.record_spend_change(Decimal("5.00"), NOW)
    assert again is False and c.status is S.PAUSED
    with pytest.raises(IllegalTransition):
        c.resume(NOW)
    c, _ = c.record_spend_change(Decimal("-50.00"), NOW)  # a corrected day brings spend under budget
    assert c.budget_exhausted is False and c.resume(NOW).status is S.ACTIVE
    _, reached_again = c.record_spend_change(Decimal("50.00"), NOW)
    assert reached_again is True


def test_exhaustion_of_a_paused_campaign_is_reported_but_keeps_it_paused() -> None:
    c, reached = campaign(status=S.PAUSED).record_spend_change(Decimal("100.00"), NOW)
    assert reached and c.status is S.PAUSED


def test_edit_rules() -> None:
    spent, _ = campaign().record_spend_change(Decimal("30.00"), NOW)
    with pytest.raises(InvalidInput) as low:
        spent.edit(
            name=None, description=None, budget=Decimal("29.99"), start_date=None, end_date=None, now=NOW
        )
    assert low.value.details[0].field == "budget"
    with pytest.raises(InvalidInput) as dates:
        spent.edit(
            name=None, description=None, budget=None, start_date=date(2026, 12, 1), end_date=None, now=NOW
        )
    assert dates.value.details[0].field == "end_date"
    with pytest.raises(IllegalTransition):
        campaign(status=S.COMPLETED).edit(
            name="x", description=None, budget=None, start_date=None, end_date=None, now=NOW
        )
    assert spent.edit(
        name="New", description=None, budget=Decimal("200.00"), start_date=None, end_date=None, now=NOW
    ).budget == Decimal("200.00")


def test_report_kpis_are_exact_decimals() -> None:
    days = [
        DailyMetrics(date(2026, 11, 2), 3000, 90, 9, Decimal("450.00"), Decimal("100.00")),
        DailyMetrics(date(2026, 11, 1), 1000, 10, 0, Decimal("0.00"), Decimal("33.33")),
    ]
    result = report(days, budget=Decimal("500.00"), spent=Decimal("133.33"))
    assert [d["date"] for d in result["series"]] == ["2026-11-01", "2026-11-02"]
    assert result["totals"] == {
        "impressions": 4000,
        "clicks": 100,
        "conversions": 9,
        "revenue": "450.00",
        "spend": "133.33",
    }
    assert result["ctr"] == "0.0250" and result["conversion_rate"] == "0.0900"
    assert result["cpa"] == "14.81"  # 133.33 / 9 = 14.8144…
    assert result["roi"] == "2.3751"  # (450 − 133.33) / 133.33
    assert result["budget_remaining"] == "366.67"
    empty = report([], Decimal("10.00"), Decimal("0"))
    assert (empty["ctr"], empty["cpa"], empty["roi"]) == (None, None, None)


def test_cross_field_metric_rules() -> None:
    assert DailyMetrics(date(2026, 11, 1), 10, 11, 12, Decimal(0), Decimal(0)).check() == [
        ("clicks", "cannot exceed impressions"),
        ("conversions", "cannot exceed clicks"),
    ]


@pytest.mark.parametrize(
    "value,expected", [("1500", "1500.00"), ("1500.5", "1500.50"), (1500, "1500.00"), ("0.01", "0.01")]
)
def test_money_parses(value: object, expected: str) -> None:
    assert str(parse_money(value)) == expected


@pytest.mark.parametrize(
    "value", ["abc", "-1.00", "1.005", 12.5, True, None, "NaN", "Infinity", "1e13", [], "1e-3"]
)
def test_money_refuses(value: object) -> None:
    with pytest.raises(ValueError):
        parse_money(value)
