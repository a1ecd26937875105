"""Read use cases: a partner's permission, campaigns, a campaign's performance report."""

from __future__ import annotations

from campaign_management.application.commands import DateRange, ListCampaigns
from campaign_management.application.ports import CampaignStore, PermissionStore
from campaign_management.domain.campaign import Campaign
from campaign_management.domain.performance import report
from campaign_management.domain.permissions import Permission, effective_permission
from hexa_shared.auth import Principal
from hexa_shared.errors import NotFound, invalid


def permission_of(permissions: PermissionStore, partner_id: str) -> Permission:
    contracts, standing = permissions.facts(partner_id)
    return effective_permission(partner_id, contracts, standing)


def get_permission(partner_id: str, permissions: PermissionStore, principal: Principal) -> Permission:
    principal.require_partner(partner_id, "partner")
    return permission_of(permissions, partner_id)


def load_visible(campaigns: CampaignStore, campaign_id: str, principal: Principal) -> Campaign:
    campaign = campaigns.get(campaign_id)
    if campaign is None or not principal.can_see_partner(campaign.partner_id):
        raise NotFound("campaign not found")
    return campaign


def list_campaigns(
    query: ListCampaigns, campaigns: CampaignStore, principal: Principal
) -> tuple[list[Campaign], str | None]:
    return principal.scoped_list(
        query.partner_id,
        lambda partner_id: campaigns.list_for_partner(
            partner_id, query.status, query.limit, query.next_token
        ),
        lambda: campaigns.list_all(query.status, query.limit, query.next_token),
    )


def performance_report(
    campaign_id: str, window: DateRange, campaigns: CampaignStore, principal: Principal
) -> dict[str, object]:
    campaign = load_visible(campaigns, campaign_id, principal)
    if window.from_ and window.to and window.to < window.from_:
        raise invalid("to", "must not be before from")
    series = campaigns.series(campaign_id, window.from_, window.to)
    return {"campaign_id": campaign_id, **report(series, campaign.budget, campaign.spent)}
