"""Campaign Management's composition root: the one place that reads the environment and wires adapters."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

from campaign_management.adapters.campaign_store import DynamoCampaignStore
from campaign_management.adapters.permission_store import DynamoPermissionStore
from hexa_shared.events.publisher import EventBridgePublisher, publisher_on_bus
from hexa_shared.idempotency import ProcessedEvents
from hexa_shared.wiring import Wiring

CONTRACT_EVENTS_CONSUMER = "campaign-management.contract-events"


class CampaignManagement(Wiring):
    @cached_property
    def campaigns(self) -> DynamoCampaignStore:
        env = self.environ
        return DynamoCampaignStore(
            env["CAMPAIGNS_TABLE"],
            env["PARTNER_BUDGETS_TABLE"],
            env["CAMPAIGN_PERFORMANCE_TABLE"],
            env["CAMPAIGN_OUTBOX_TABLE"],
        )

    @cached_property
    def permissions(self) -> DynamoPermissionStore:
        return DynamoPermissionStore(self.environ["CAMPAIGN_PERMISSIONS_TABLE"])

    @cached_property
    def processed_contract_events(self) -> ProcessedEvents:
        """The permission consumer's dedup markers (written inside each business transaction)."""
        return ProcessedEvents(self.environ["IDEMPOTENCY_TABLE"], CONTRACT_EVENTS_CONSUMER)

    @cached_property
    def publisher(self) -> EventBridgePublisher:
        return publisher_on_bus(self.environ)


def bootstrap(environ: Mapping[str, str] | None = None, **given: object) -> CampaignManagement:
    return CampaignManagement(environ, **given)
