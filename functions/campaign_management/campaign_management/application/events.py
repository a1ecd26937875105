"""Integration events Campaign Management publishes (DESIGN.md §3)."""

from __future__ import annotations

from campaign_management.domain.campaign import Campaign
from campaign_management.domain.performance import DailyMetrics
from hexa_shared.events.envelope import IntegrationEvent
from hexa_shared.money import money

SOURCE = "hexabuilders.campaign-management"


def performance_recorded(campaign: Campaign, metrics: DailyMetrics, correlation_id: str) -> IntegrationEvent:
    return IntegrationEvent(
        name="CampaignPerformanceRecorded",
        source=SOURCE,
        correlation_id=correlation_id,
        data={
            "partner_id": campaign.partner_id,
            "campaign_id": campaign.campaign_id,
            "date": metrics.day.isoformat(),
            "metrics": metrics.metrics_dict(),
        },
    )


def budget_exhausted(campaign: Campaign, correlation_id: str) -> IntegrationEvent:
    return IntegrationEvent(
        name="CampaignBudgetExhausted",
        source=SOURCE,
        correlation_id=correlation_id,
        data={
            "partner_id": campaign.partner_id,
            "campaign_id": campaign.campaign_id,
            "budget": money(campaign.budget),
            "spent": money(campaign.spent),
        },
    )
