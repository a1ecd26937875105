"""Use cases driven by Onboarding's and Partner Management's events: grant and revoke permissions.

Every event arrives validated against its schema (``hexa_shared.events.inbound``).

The facts are recorded idempotently and order-tolerantly (see ``domain.permissions``). When a fact
leaves the partner without permission, its ACTIVE campaigns are paused. Each revoking event is acted on once
(``event_id`` ledger): a redelivered ContractTerminated must not pause campaigns that were resumed
under a newer contract since.
"""

from __future__ import annotations

from campaign_management.application.ports import CampaignStore, ConcurrentChange, PermissionStore
from campaign_management.application.queries import permission_of
from campaign_management.domain.campaign import CampaignStatus
from hexa_shared.clock import now_iso
from hexa_shared.events.envelope import IntegrationEvent
from hexa_shared.event_ledger import EventLedger

ATTEMPTS = 5


def on_permission_fact(
    event: IntegrationEvent, permissions: PermissionStore, campaigns: CampaignStore, ledger: EventLedger
) -> None:
    """A granting fact is a sticky ``SET``: idempotent by state, and it can take no permission away, so
    there is nothing to pause and no ledger entry to keep (one write per event). A revoking fact is
    acted on once (the ledger) and pauses the partner's ACTIVE campaigns if the permission is gone."""
    data = event.data
    if event.name == "PartnerRegistrationCompleted":
        permissions.partner_registered(data["partner_id"])
        return
    if event.name == "ContractActivated":
        permissions.contract_activated(data["partner_id"], data["contract_id"], data["contract_type"])
        return
    if ledger.already_processed(event.event_id):
        return
    if event.name == "ContractTerminated":
        permissions.contract_terminated(data["partner_id"], data["contract_id"])
    elif event.name == "PartnerDeactivated":
        permissions.partner_deactivated(data["partner_id"])
    else:
        raise ValueError(f"Campaign Management does not consume {event.name}")
    if not permission_of(permissions, data["partner_id"]).can_create_campaigns:
        pause_active_campaigns(data["partner_id"], campaigns)
    ledger.record(event.event_id)


def pause_active_campaigns(partner_id: str, campaigns: CampaignStore) -> int:
    paused, token = 0, None
    while True:
        page, token = campaigns.list_for_partner(partner_id, CampaignStatus.ACTIVE, 200, token)
        for campaign in page:
            paused += _pause(campaigns, campaign.campaign_id)
        if not token:
            return paused


def _pause(campaigns: CampaignStore, campaign_id: str) -> int:
    for attempt in range(ATTEMPTS):
        before = campaigns.get(campaign_id)
        if before is None or before.status is not CampaignStatus.ACTIVE:
            return 0
        try:
            campaigns.save(before, before.pause(now_iso()), None)
            return 1
        except ConcurrentChange:
            if attempt == ATTEMPTS - 1:
                raise
    return 0
