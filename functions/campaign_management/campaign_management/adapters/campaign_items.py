"""The DynamoDB items of Campaign Management's store (pynamodb models) and their mapping to the domain."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from campaign_management.domain.campaign import Campaign, CampaignStatus
from campaign_management.domain.performance import DailyMetrics
from hexa_shared.dynamo import DecimalAttribute, bound, by_partner_index


class CampaignItem(Model):
    campaign_id = UnicodeAttribute(hash_key=True)
    partner_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    budget = DecimalAttribute()
    status = UnicodeAttribute()
    start_date = UnicodeAttribute()
    end_date = UnicodeAttribute()
    spent = DecimalAttribute()
    budget_exhausted = BooleanAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()
    # "blue" when the monolith's data wrote this state (migration, change capture); absent once the
    # platform writes the campaign (a put replaces the item): the green -> blue writer skips blue's own
    replicated_from = UnicodeAttribute(null=True)
    by_partner = by_partner_index()


class OpenBudget(Model):
    partner_id = UnicodeAttribute(hash_key=True)
    committed = DecimalAttribute(null=True)


class DayItem(Model):
    campaign_id = UnicodeAttribute(hash_key=True)
    day = UnicodeAttribute(range_key=True)
    impressions = NumberAttribute()
    clicks = NumberAttribute()
    conversions = NumberAttribute()
    revenue = DecimalAttribute()
    spend = DecimalAttribute()
    replicated_from = UnicodeAttribute(null=True)  # as on campaigns


@functools.lru_cache(maxsize=None)
def models(campaigns: str, budgets: str, days: str) -> tuple[Any, Any, Any]:
    return tuple(
        bound(base, table)
        for base, table in ((CampaignItem, campaigns), (OpenBudget, budgets), (DayItem, days))
    )


def to_campaign(item: CampaignItem) -> Campaign:
    return Campaign(
        campaign_id=item.campaign_id,
        partner_id=item.partner_id,
        name=item.name,
        description=item.description or "",
        budget=item.budget,
        status=CampaignStatus(item.status),
        start_date=date.fromisoformat(item.start_date),
        end_date=date.fromisoformat(item.end_date),
        spent=item.spent,
        created_at=item.created_at,
        updated_at=item.updated_at,
        budget_exhausted=bool(item.budget_exhausted),
        version=item.version or 0,
    )


def to_metrics(item: DayItem) -> DailyMetrics:
    return DailyMetrics(
        day=date.fromisoformat(item.day),
        impressions=int(item.impressions),
        clicks=int(item.clicks),
        conversions=int(item.conversions),
        revenue=item.revenue,
        spend=item.spend,
    )
