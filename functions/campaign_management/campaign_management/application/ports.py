"""What the Campaign Management use cases need from the outside world."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Protocol, Sequence

from campaign_management.domain.campaign import Campaign, CampaignStatus
from campaign_management.domain.performance import DailyMetrics
from campaign_management.domain.permissions import ContractFacts, PartnerStanding
from hexa_shared.errors import Conflict, InvalidInput
from hexa_shared.events.envelope import IntegrationEvent


class BudgetLimitExceeded(InvalidInput):
    code = "budget_limit_exceeded"


class ConcurrentChange(Conflict):
    code = "version_conflict"


class CampaignStore(Protocol):
    def get(self, campaign_id: str) -> Campaign | None: ...

    def list_for_partner(
        self, partner_id: str, status: CampaignStatus | None, limit: int, next_token: str | None
    ) -> tuple[list[Campaign], str | None]: ...

    def list_all(
        self, status: CampaignStatus | None, limit: int, next_token: str | None
    ) -> tuple[list[Campaign], str | None]:
        """Every partner's campaigns: asked for by name, never by passing no partner."""

    def create(self, campaign: Campaign, limit: Decimal) -> None:
        """Store it and add its budget to the partner's open total, atomically refusing
        (``BudgetLimitExceeded``) when the total would pass ``limit``."""

    def save(
        self,
        before: Campaign,
        after: Campaign,
        limit: Decimal | None,
        events: Sequence[IntegrationEvent] = (),
    ) -> Campaign:
        """Store ``after`` if the campaign is still ``before`` (else ``ConcurrentChange``), moving the
        partner's open total by the change in committed budget (an increase must fit ``limit``)."""

    def day(self, campaign_id: str, day: date) -> DailyMetrics | None: ...

    def record_day(
        self,
        before: Campaign,
        after: Campaign,
        metrics: DailyMetrics,
        previous: DailyMetrics | None,
        events: list[IntegrationEvent],
    ) -> None:
        """Replace one day's metrics and the campaign's spend together (``ConcurrentChange`` if either
        moved)."""

    def series(self, campaign_id: str, start: date | None, end: date | None) -> list[DailyMetrics]: ...


class PermissionStore(Protocol):
    def facts(self, partner_id: str) -> tuple[list[ContractFacts], PartnerStanding]: ...

    def partner_registered(self, partner_id: str) -> None: ...

    def contract_activated(self, partner_id: str, contract_id: str, contract_type: str) -> None: ...

    def contract_terminated(self, partner_id: str, contract_id: str) -> None: ...

    def partner_deactivated(self, partner_id: str) -> None: ...
