"""Partner Management's composition root: the one place that reads the environment and wires adapters."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

from hexa_shared.events.publisher import EventBridgePublisher, publisher_on_bus
from hexa_shared.wiring import Wiring
from partner_management.adapters.commission_ledger import DynamoCommissionLedger
from partner_management.adapters.dynamodb_partners import DynamoPartnerRepository
from partner_management.application.ports import CommissionLedger, PartnerRepository


class PartnerManagement(Wiring):
    @cached_property
    def repository(self) -> PartnerRepository:
        env = self.environ
        return DynamoPartnerRepository(
            env["PARTNERS_TABLE"], env["PARTNER_EMAILS_TABLE"], env["PARTNER_OUTBOX_TABLE"]
        )

    @cached_property
    def ledger(self) -> CommissionLedger:
        return DynamoCommissionLedger(self.environ["COMMISSION_LEDGER_TABLE"])

    @cached_property
    def publisher(self) -> EventBridgePublisher:
        return publisher_on_bus(self.environ)

    @cached_property
    def owner_timeout_s(self) -> float:
        """Profile 360's budget per owner call."""
        return int(self.environ.get("PROFILE_360_TIMEOUT_MS", "300")) / 1000

    @cached_property
    def service_base_url(self) -> str:
        """Where the other contexts' APIs are; empty: the API the request came in through."""
        return self.environ.get("SERVICE_BASE_URL", "")


def bootstrap(environ: Mapping[str, str] | None = None, **given: object) -> PartnerManagement:
    return PartnerManagement(environ, **given)
