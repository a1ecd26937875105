"""Use cases on campaigns: create (within permission and limit), edit, pause/resume/complete/cancel."""

from __future__ import annotations

from typing import Callable

from campaign_management.application.commands import CreateCampaign, EditCampaign
from campaign_management.application.ports import BudgetLimitExceeded, CampaignStore, PermissionStore
from campaign_management.application.queries import load_visible, permission_of
from campaign_management.domain.campaign import Campaign
from hexa_shared.auth import Principal
from hexa_shared.clock import new_id, now_iso
from hexa_shared.errors import FieldIssue, Forbidden, NotFound
from hexa_shared.money import money


def create_campaign(
    command: CreateCampaign, campaigns: CampaignStore, permissions: PermissionStore, principal: Principal
) -> Campaign:
    if not principal.can_see_partner(command.partner_id):
        raise NotFound("partner not found")
    permission = permission_of(permissions, command.partner_id)
    if not permission.can_create_campaigns:
        raise Forbidden("the partner has no active contract that allows campaigns")
    if command.budget > permission.max_budget_limit:
        raise BudgetLimitExceeded(
            f"budget exceeds the partner's limit of {money(permission.max_budget_limit)}",
            [FieldIssue("budget", f"must not exceed {money(permission.max_budget_limit)}")],
        )
    campaign = Campaign.create(
        campaign_id=new_id(),
        partner_id=command.partner_id,
        name=command.name,
        description=command.description,
        budget=command.budget,
        start_date=command.start_date,
        end_date=command.end_date,
        now=now_iso(),
    )
    campaigns.create(campaign, permission.max_budget_limit)
    return campaign


def edit_campaign(
    campaign_id: str,
    command: EditCampaign,
    campaigns: CampaignStore,
    permissions: PermissionStore,
    principal: Principal,
) -> Campaign:
    sent = command.model_dump(exclude_unset=True)
    return _change(
        campaign_id,
        campaigns,
        permissions,
        principal,
        lambda c: c.edit(
            name=sent.get("name"),
            description=sent.get("description"),
            budget=sent.get("budget"),
            start_date=sent.get("start_date"),
            end_date=sent.get("end_date"),
            now=now_iso(),
        ),
    )


def pause(
    campaign_id: str, campaigns: CampaignStore, permissions: PermissionStore, principal: Principal
) -> Campaign:
    return _change(campaign_id, campaigns, permissions, principal, lambda c: c.pause(now_iso()))


def resume(
    campaign_id: str, campaigns: CampaignStore, permissions: PermissionStore, principal: Principal
) -> Campaign:
    campaign = load_visible(campaigns, campaign_id, principal)
    if not permission_of(permissions, campaign.partner_id).can_create_campaigns:
        raise Forbidden("the partner's permission to run campaigns was revoked")
    return _change(campaign_id, campaigns, permissions, principal, lambda c: c.resume(now_iso()))


def complete(
    campaign_id: str, campaigns: CampaignStore, permissions: PermissionStore, principal: Principal
) -> Campaign:
    return _change(campaign_id, campaigns, permissions, principal, lambda c: c.complete(now_iso()))


def cancel(
    campaign_id: str, campaigns: CampaignStore, permissions: PermissionStore, principal: Principal
) -> Campaign:
    return _change(campaign_id, campaigns, permissions, principal, lambda c: c.cancel(now_iso()))


def _change(
    campaign_id: str,
    campaigns: CampaignStore,
    permissions: PermissionStore,
    principal: Principal,
    command: Callable[[Campaign], Campaign],
) -> Campaign:
    before = load_visible(campaigns, campaign_id, principal)
    after = command(before)
    limit = None
    if after.committed_budget > before.committed_budget:  # only a budget increase needs the current limit
        limit = permission_of(permissions, before.partner_id).max_budget_limit
    return campaigns.save(before, after, limit)
