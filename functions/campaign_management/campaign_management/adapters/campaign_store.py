"""Campaigns, the per-partner open-budget total, and daily performance on DynamoDB (pynamodb).

The open-budget total (ACTIVE + PAUSED budgets) lives in one row per partner and moves in the same
transaction as the campaign, with a condition that it stays within the limit — so two concurrent
creates can never both squeeze under it. Events go to the outbox in that same transaction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Iterator

from pynamodb.exceptions import PutError, TransactWriteError

from campaign_management.adapters.campaign_items import CampaignItem, DayItem, models, to_campaign, to_metrics
from campaign_management.application.ports import BudgetLimitExceeded, ConcurrentChange
from campaign_management.domain.campaign import Campaign, CampaignStatus
from campaign_management.domain.performance import DailyMetrics
from hexa_shared.dynamo import (
    batch_put,
    cancelled_by_condition,
    query_page,
    scan_page,
    Transaction,
)
from hexa_shared.errors import FieldIssue
from hexa_shared.events.envelope import IntegrationEvent
from hexa_shared.money import money
from hexa_shared.outbox import outbox_entry


class DynamoCampaignStore:
    def __init__(
        self, campaigns_table: str, budgets_table: str, performance_table: str, outbox_table: str
    ) -> None:
        self._campaign, self._budget, self._day = models(campaigns_table, budgets_table, performance_table)
        self._outbox_table = outbox_table

    # ------------------------------------------------------------------ reads
    def get(self, campaign_id: str) -> Campaign | None:
        try:
            return to_campaign(self._campaign.get(campaign_id, consistent_read=True))
        except self._campaign.DoesNotExist:
            return None

    def list_for_partner(
        self, partner_id: str, status: CampaignStatus | None, limit: int, next_token: str | None
    ) -> tuple[list[Campaign], str | None]:
        items, token = query_page(
            self._campaign, self._campaign.by_partner, partner_id, self._status(status), limit, next_token
        )
        return [to_campaign(item) for item in items], token

    def list_all(
        self, status: CampaignStatus | None, limit: int, next_token: str | None
    ) -> tuple[list[Campaign], str | None]:
        items, token = scan_page(self._campaign, self._status(status), limit, next_token)
        return [to_campaign(item) for item in items], token

    def _status(self, status: CampaignStatus | None) -> Any:
        return None if status is None else self._campaign.status == status.value

    def day(self, campaign_id: str, day: date) -> DailyMetrics | None:
        try:
            return to_metrics(self._day.get(campaign_id, day.isoformat(), consistent_read=True))
        except self._day.DoesNotExist:
            return None

    def series(self, campaign_id: str, start: date | None, end: date | None) -> list[DailyMetrics]:
        if start and end:
            condition = self._day.day.between(start.isoformat(), end.isoformat())
        elif start:
            condition = self._day.day >= start.isoformat()
        elif end:
            condition = self._day.day <= end.isoformat()
        else:
            condition = None
        return [
            to_metrics(i)
            for i in self._day.query(campaign_id, range_key_condition=condition, consistent_read=True)
        ]

    # ------------------------------------------------------------------ writes
    def create(self, campaign: Campaign, limit: Decimal) -> None:
        try:
            with Transaction() as transaction:
                budget = self._move_budget(transaction, campaign.partner_id, campaign.budget, limit)
                transaction.save(self._item(campaign), condition=self._campaign.campaign_id.does_not_exist())
        except TransactWriteError as error:
            if transaction.blames(error, budget):
                raise self._over_limit(limit) from None
            raise

    def save(
        self, before: Campaign, after: Campaign, limit: Decimal | None, events: list[IntegrationEvent] = ()
    ) -> Campaign:  # type: ignore[assignment]
        item = self._item(after, version=before.version)
        delta = after.committed_budget - before.committed_budget
        budget = None
        try:
            with Transaction() as transaction:
                transaction.save(item)  # VersionAttribute: only if nobody saved since ``before`` was read
                if delta:
                    budget = self._move_budget(transaction, after.partner_id, delta, limit)
                self._add_events(transaction, events)
        except TransactWriteError as error:
            if budget is not None and delta > 0 and transaction.blames(error, budget):
                raise self._over_limit(limit) from None
            if cancelled_by_condition(error):
                raise ConcurrentChange("campaign was changed concurrently; reload and retry") from None
            raise
        return to_campaign(item)

    def record_day(
        self,
        before: Campaign,
        after: Campaign,
        metrics: DailyMetrics,
        previous: DailyMetrics | None,
        events: list[IntegrationEvent],
    ) -> None:
        """The campaign's version guards the day too: every write of a day rewrites its campaign, so
        a caller that read the campaign *before* the day cannot commit on a stale day."""
        day = self._day_item(before.campaign_id, metrics)
        try:
            with Transaction() as transaction:
                transaction.save(self._item(after, version=before.version))
                transaction.save(day)
                self._add_events(transaction, events)
        except TransactWriteError as error:
            if cancelled_by_condition(error):
                raise ConcurrentChange("the campaign changed concurrently") from None
            raise

    # ------------------------------------------------------------------ migration
    def import_campaigns(self, campaigns: list[Campaign], days: list[tuple[str, DailyMetrics]]) -> int:
        """Campaigns as the monolith had them (spend already summed from their days) and their days,
        25 per BatchWriteItem, no events (nothing new happened). A re-run writes the same items."""
        requests = batch_put(
            self._campaign, [self._item(c, version=1, replicated_from="blue") for c in campaigns]
        )
        return requests + batch_put(
            self._day, [self._day_item(campaign_id, m, "blue") for campaign_id, m in days]
        )

    def replicate(self, campaign: Campaign, previous: Campaign | None) -> None:
        """Change capture: the monolith's state of a campaign over ``previous`` (conditional on its
        version) or as a new campaign."""
        item = self._item(campaign, version=previous.version if previous else None, replicated_from="blue")
        try:
            item.save(condition=self._campaign.campaign_id.does_not_exist() if previous is None else None)
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise ConcurrentChange(f"campaign {campaign.campaign_id} changed meanwhile") from None
            raise

    def import_open_budgets(self, totals: list[tuple[str, Decimal]]) -> int:
        """Each partner's open (ACTIVE + PAUSED) total, set (not added): derived, so a re-run is a no-op."""
        return batch_put(
            self._budget, [self._budget(partner_id, committed=total) for partner_id, total in totals]
        )

    def get_many(self, campaign_ids: list[str]) -> dict[str, Campaign]:
        return {
            i.campaign_id: to_campaign(i)
            for i in self._campaign.batch_get(campaign_ids, consistent_read=True)
        }

    def days_of(self, keys: list[tuple[str, date]]) -> dict[tuple[str, date], DailyMetrics]:
        found = self._day.batch_get([(c, d.isoformat()) for c, d in keys], consistent_read=True)
        return {(i.campaign_id, date.fromisoformat(i.day)): to_metrics(i) for i in found}

    def open_budgets(self, partner_ids: list[str]) -> dict[str, Decimal]:
        return {
            i.partner_id: i.committed or Decimal("0")
            for i in self._budget.batch_get(partner_ids, consistent_read=True)
        }

    def all_ids(self) -> Iterator[str]:
        return (item.campaign_id for item in self._campaign.scan(attributes_to_get=["campaign_id"]))

    def all_day_keys(self) -> Iterator[tuple[str, date]]:
        return (
            (i.campaign_id, date.fromisoformat(i.day))
            for i in self._day.scan(attributes_to_get=["campaign_id", "day"])
        )

    # ------------------------------------------------------------------ helpers
    def _day_item(
        self, campaign_id: str, metrics: DailyMetrics, replicated_from: str | None = None
    ) -> DayItem:
        return self._day(
            campaign_id,
            metrics.day.isoformat(),
            impressions=metrics.impressions,
            clicks=metrics.clicks,
            conversions=metrics.conversions,
            revenue=metrics.revenue,
            spend=metrics.spend,
            replicated_from=replicated_from,
        )

    def _item(
        self, campaign: Campaign, version: int | None = None, replicated_from: str | None = None
    ) -> CampaignItem:
        item = self._campaign(
            campaign.campaign_id,
            partner_id=campaign.partner_id,
            name=campaign.name,
            description=campaign.description,
            budget=campaign.budget,
            status=campaign.status.value,
            start_date=campaign.start_date.isoformat(),
            end_date=campaign.end_date.isoformat(),
            spent=campaign.spent,
            budget_exhausted=campaign.budget_exhausted,
            created_at=campaign.created_at,
            updated_at=campaign.updated_at,
            replicated_from=replicated_from,
        )
        if version:
            item.version = version
        return item

    def _move_budget(
        self, transaction: Transaction, partner_id: str, delta: Decimal, limit: Decimal | None
    ) -> int:
        """ADD ``delta`` to the partner's open total; an increase only while the result stays ≤ limit."""
        row = self._budget(partner_id)
        committed = self._budget.committed
        condition = None
        if delta > 0:
            condition = committed.does_not_exist() | (committed <= (limit or Decimal("0")) - delta)
        return transaction.update(row, actions=[committed.add(delta)], condition=condition)

    def _add_events(self, transaction: Transaction, events: list[IntegrationEvent]) -> None:
        for event in events:
            entry = outbox_entry(self._outbox_table, event)
            transaction.save(entry, condition=type(entry).event_id.does_not_exist())

    @staticmethod
    def _over_limit(limit: Decimal | None) -> BudgetLimitExceeded:
        return BudgetLimitExceeded(
            f"the partner's open campaign budgets would exceed its limit of {money(limit or Decimal('0'))}",
            [
                FieldIssue(
                    "budget", f"open (ACTIVE+PAUSED) budgets would exceed {money(limit or Decimal('0'))}"
                )
            ],
        )
