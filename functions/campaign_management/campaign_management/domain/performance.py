"""Daily performance metrics and the KPIs derived from them (Decimal math only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable

from hexa_shared.money import money, ratio


@dataclass(frozen=True)
class DailyMetrics:
    day: date
    impressions: int
    clicks: int
    conversions: int
    revenue: Decimal
    spend: Decimal

    def check(self) -> list[tuple[str, str]]:
        """Cross-field rules (each field alone is validated at the edge)."""
        problems = []
        if self.clicks > self.impressions:
            problems.append(("clicks", "cannot exceed impressions"))
        if self.conversions > self.clicks:
            problems.append(("conversions", "cannot exceed clicks"))
        return problems

    def metrics_dict(self) -> dict[str, object]:
        return {
            "impressions": self.impressions,
            "clicks": self.clicks,
            "conversions": self.conversions,
            "revenue": money(self.revenue),
            "spend": money(self.spend),
        }


def report(series: Iterable[DailyMetrics], budget: Decimal, spent: Decimal) -> dict[str, object]:
    """``GET …/performance``: the daily series, its totals and KPIs; budget_remaining is lifetime."""
    days = sorted(series, key=lambda m: m.day)
    impressions = sum(m.impressions for m in days)
    clicks = sum(m.clicks for m in days)
    conversions = sum(m.conversions for m in days)
    revenue = sum((m.revenue for m in days), Decimal("0"))
    spend = sum((m.spend for m in days), Decimal("0"))
    return {
        "series": [{"date": m.day.isoformat(), **m.metrics_dict()} for m in days],
        "totals": {
            "impressions": impressions,
            "clicks": clicks,
            "conversions": conversions,
            "revenue": money(revenue),
            "spend": money(spend),
        },
        "ctr": ratio(Decimal(clicks), Decimal(impressions)),
        "conversion_rate": ratio(Decimal(conversions), Decimal(clicks)),
        "cpa": None if conversions == 0 else money(spend / conversions),
        "roi": ratio(revenue - spend, spend),
        "budget_remaining": money(max(budget - spent, Decimal("0"))),
    }
