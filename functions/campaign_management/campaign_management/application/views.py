"""What Campaign Management answers: one response model per shape (checked on the way out, and the spec)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from pydantic import Field, StrictBool, StrictInt, StrictStr

from campaign_management.domain.campaign import CampaignStatus
from hexa_shared.http.views import DateText, MoneyText, NextToken, RatioText, Timestamp, View, values_of

if TYPE_CHECKING:  # the wire strings of each enum (a Literal built at run time; mypy sees str)
    CampaignStatusValue = str
else:
    CampaignStatusValue = values_of(CampaignStatus)


class Permission(View):
    partner_id: StrictStr
    can_create_campaigns: StrictBool
    max_budget_limit: MoneyText
    contract_id: Optional[StrictStr] = Field(
        description="the active contract that grants it; null without one"
    )


class Campaign(View):
    campaign_id: StrictStr
    partner_id: StrictStr
    name: StrictStr
    description: StrictStr
    budget: MoneyText
    status: CampaignStatusValue
    start_date: DateText
    end_date: DateText
    spent: MoneyText
    budget_exhausted: StrictBool
    created_at: Timestamp
    updated_at: Timestamp


class CampaignPage(View):
    items: list[Campaign]
    next_token: NextToken


class DayMetrics(View):
    impressions: StrictInt
    clicks: StrictInt
    conversions: StrictInt
    revenue: MoneyText
    spend: MoneyText


class RecordedDay(View):
    campaign: Campaign
    date: DateText
    metrics: DayMetrics


class SeriesDay(DayMetrics):
    date: DateText


class PerformanceReport(View):
    campaign_id: StrictStr
    series: list[SeriesDay]
    totals: DayMetrics
    ctr: Optional[RatioText] = Field(description="clicks / impressions; null without impressions")
    conversion_rate: Optional[RatioText] = Field(description="conversions / clicks; null without clicks")
    cpa: Optional[MoneyText] = Field(description="spend / conversions; null without conversions")
    roi: Optional[RatioText] = Field(description="(revenue - spend) / spend; null without spend")
    budget_remaining: MoneyText
