"""Campaign Management's ports in memory: the campaign store, and the permission facts (sticky flags, in any
order, any number of times)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Sequence

from campaign_management.application.ports import BudgetLimitExceeded, ConcurrentChange
from campaign_management.domain.campaign import Campaign, CampaignStatus
from campaign_management.domain.performance import DailyMetrics
from campaign_management.domain.permissions import ContractFacts, PartnerStanding
from fakes.paging import page
from hexa_shared.errors import FieldIssue
from hexa_shared.events import schema
from hexa_shared.events.envelope import IntegrationEvent


class InMemoryPermissionStore:
    def __init__(self) -> None:
        self.standings: dict[str, PartnerStanding] = {}
        self.contracts: dict[str, dict[str, ContractFacts]] = {}

    def facts(self, partner_id: str) -> tuple[list[ContractFacts], PartnerStanding]:
        return list(self.contracts.get(partner_id, {}).values()), self.standings.get(
            partner_id, PartnerStanding()
        )

    def _contract(self, partner_id: str, contract_id: str, **flags: object) -> None:
        facts = self.contracts.setdefault(partner_id, {})
        facts[contract_id] = replace(facts.get(contract_id, ContractFacts(contract_id)), **flags)

    def partner_registered(self, partner_id: str) -> None:
        self.standings[partner_id] = replace(
            self.standings.get(partner_id, PartnerStanding()), registered=True
        )

    def partner_deactivated(self, partner_id: str) -> None:
        self.standings[partner_id] = replace(
            self.standings.get(partner_id, PartnerStanding()), deactivated=True
        )

    def contract_activated(self, partner_id: str, contract_id: str, contract_type: str) -> None:
        self._contract(partner_id, contract_id, activated=True, contract_type=contract_type)

    def contract_terminated(self, partner_id: str, contract_id: str) -> None:
        self._contract(partner_id, contract_id, terminated=True)


class InMemoryCampaignStore:
    """What DynamoCampaignStore does, in memory: versions guard every write, the partner's open-budget
    total moves with the campaign and refuses to pass the limit, events are recorded with their write."""

    def __init__(self) -> None:
        self.campaigns: dict[str, Campaign] = {}
        self.days: dict[tuple[str, date], DailyMetrics] = {}
        self.committed: dict[str, Decimal] = {}
        self.outbox: list[IntegrationEvent] = []

    # ------------------------------------------------------------------ reads
    def get(self, campaign_id: str) -> Campaign | None:
        return self.campaigns.get(campaign_id)

    def list_for_partner(
        self, partner_id: str, status: CampaignStatus | None, limit: int, next_token: str | None
    ) -> tuple[list[Campaign], str | None]:
        return _page(
            [c for c in self.campaigns.values() if c.partner_id == partner_id], status, limit, next_token
        )

    def list_all(
        self, status: CampaignStatus | None, limit: int, next_token: str | None
    ) -> tuple[list[Campaign], str | None]:
        return _page(list(self.campaigns.values()), status, limit, next_token)

    def day(self, campaign_id: str, day: date) -> DailyMetrics | None:
        return self.days.get((campaign_id, day))

    def series(self, campaign_id: str, start: date | None, end: date | None) -> list[DailyMetrics]:
        return [
            m
            for (c, d), m in sorted(self.days.items(), key=lambda kv: kv[0][1])
            if c == campaign_id and (start is None or d >= start) and (end is None or d <= end)
        ]

    def open_budgets(self, partner_ids: list[str]) -> dict[str, Decimal]:
        return {p: self.committed[p] for p in partner_ids if p in self.committed}

    # ------------------------------------------------------------------ writes
    def create(self, campaign: Campaign, limit: Decimal) -> None:
        if campaign.campaign_id in self.campaigns:
            raise ConcurrentChange(f"campaign {campaign.campaign_id} already exists")
        self._check_budget(campaign.partner_id, campaign.budget, limit)
        self._move_budget(campaign.partner_id, campaign.budget)
        self.campaigns[campaign.campaign_id] = replace(campaign, version=1)

    def save(
        self,
        before: Campaign,
        after: Campaign,
        limit: Decimal | None,
        events: Sequence[IntegrationEvent] = (),
    ) -> Campaign:
        delta = after.committed_budget - before.committed_budget
        if delta > 0:
            self._check_budget(after.partner_id, delta, limit)
        self._check_version(before)
        self._validate(events)
        if delta:
            self._move_budget(after.partner_id, delta)
        saved = self.campaigns[after.campaign_id] = replace(after, version=before.version + 1)
        self.outbox += events
        return saved

    def record_day(
        self,
        before: Campaign,
        after: Campaign,
        metrics: DailyMetrics,
        previous: DailyMetrics | None,
        events: list[IntegrationEvent],
    ) -> None:
        self._check_version(before)
        self._validate(events)
        self.campaigns[after.campaign_id] = replace(after, version=before.version + 1)
        self.days[(before.campaign_id, metrics.day)] = metrics
        self.outbox += events

    # ------------------------------------------------------------------ change capture (CampaignReplica)
    def import_campaigns(self, campaigns: list[Campaign], days: list[tuple[str, DailyMetrics]]) -> int:
        for campaign in campaigns:
            self.campaigns[campaign.campaign_id] = replace(campaign, version=1)
        for campaign_id, metrics in days:
            self.days[(campaign_id, metrics.day)] = metrics
        return len(campaigns) + len(days)

    def replicate(self, campaign: Campaign, previous: Campaign | None) -> None:
        stored = self.campaigns.get(campaign.campaign_id)
        if (stored is None) != (previous is None) or (
            stored and previous and stored.version != previous.version
        ):
            raise ConcurrentChange(f"campaign {campaign.campaign_id} changed meanwhile")
        self.campaigns[campaign.campaign_id] = replace(campaign, version=stored.version + 1 if stored else 1)

    def import_open_budgets(self, totals: list[tuple[str, Decimal]]) -> int:
        self.committed.update(totals)
        return len(totals)

    # ------------------------------------------------------------------ helpers
    def _check_version(self, before: Campaign) -> None:
        stored = self.campaigns.get(before.campaign_id)
        if stored is None or stored.version != before.version:
            raise ConcurrentChange("campaign was changed concurrently; reload and retry")

    def _check_budget(self, partner_id: str, increase: Decimal, limit: Decimal | None) -> None:
        if self.committed.get(partner_id, Decimal("0")) + increase > (limit or Decimal("0")):
            raise BudgetLimitExceeded(
                f"the partner's open campaign budgets would exceed its limit of {limit}",
                [FieldIssue("budget", f"open (ACTIVE+PAUSED) budgets would exceed {limit}")],
            )

    def _move_budget(self, partner_id: str, delta: Decimal) -> None:
        self.committed[partner_id] = self.committed.get(partner_id, Decimal("0")) + delta

    @staticmethod
    def _validate(events: Sequence[IntegrationEvent]) -> None:
        for event in events:  # as the outbox does: a bad event fails the whole write
            schema.validate(event)


def _page(
    campaigns: list[Campaign], status: CampaignStatus | None, limit: int, next_token: str | None
) -> tuple[list[Campaign], str | None]:
    matching = [c for c in campaigns if status is None or c.status is status]
    return page(matching, limit, next_token)
