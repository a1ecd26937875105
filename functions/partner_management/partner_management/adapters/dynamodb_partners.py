"""PartnerRepository on DynamoDB (pynamodb): partners table, email-guard table, outbox — one transaction.

Email uniqueness holds under concurrent registration because the guard row ``email`` is written with
``attribute_not_exists`` in the same transaction as the partner: of two racing registrations exactly
one commits, never "read, then write".
"""

from __future__ import annotations

import functools
import json
from dataclasses import replace
from decimal import Decimal
from typing import Iterator

from botocore.exceptions import ClientError
from pynamodb.attributes import UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from hexa_shared.aws import client
from hexa_shared.dynamo import bound, cancelled_by_condition, query_page, scan_page, Transaction
from hexa_shared.errors import Conflict
from hexa_shared.events.envelope import IntegrationEvent
from hexa_shared.outbox import outbox_entry
from partner_management.application.ports import DuplicateEmail
from partner_management.domain.partner import Partner, PartnerStatus, PartnerType


class _ByStatus(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class _PartnerItem(Model):
    partner_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    email = UnicodeAttribute()
    partner_type = UnicodeAttribute()
    country = UnicodeAttribute()
    tax_id = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    commission_rate = UnicodeAttribute()
    status = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()
    commission_history = UnicodeAttribute(null=True)  # JSON [[effective_from, "rate"], ...]
    # "blue" when the monolith's data wrote this state (migration, change capture); absent once the
    # platform itself writes the partner (a put replaces the whole item): the green -> blue writer
    # skips blue's own states, so a change never travels back
    replicated_from = UnicodeAttribute(null=True)
    by_status = _ByStatus()


class _EmailGuard(Model):
    email = UnicodeAttribute(hash_key=True)
    partner_id = UnicodeAttribute()


@functools.lru_cache(maxsize=None)
def _models(partners_table: str, emails_table: str) -> tuple[type[_PartnerItem], type[_EmailGuard]]:
    item = bound(_PartnerItem, partners_table)
    guard = bound(_EmailGuard, emails_table)
    return item, guard


def _to_domain(item: _PartnerItem) -> Partner:
    return Partner(
        partner_id=item.partner_id,
        name=item.name,
        email=item.email,
        partner_type=PartnerType(item.partner_type),
        country=item.country,
        tax_id=item.tax_id,
        phone=item.phone,
        commission_rate=Decimal(item.commission_rate),
        status=PartnerStatus(item.status),
        created_at=item.created_at,
        updated_at=item.updated_at,
        version=item.version or 0,
        commission_history=tuple(
            (at, Decimal(rate)) for at, rate in json.loads(item.commission_history or "[]")
        ),
    )


class DynamoPartnerRepository:
    def __init__(self, partners_table: str, emails_table: str, outbox_table: str) -> None:
        self._item, self._guard = _models(partners_table, emails_table)
        self._outbox_table = outbox_table

    def _to_item(self, partner: Partner, replicated_from: str | None = None) -> _PartnerItem:
        item = self._item(
            partner.partner_id,
            name=partner.name,
            email=partner.email,
            partner_type=partner.partner_type.value,
            country=partner.country,
            tax_id=partner.tax_id,
            phone=partner.phone,
            commission_rate=str(partner.commission_rate),
            status=partner.status.value,
            created_at=partner.created_at,
            updated_at=partner.updated_at,
            commission_history=json.dumps([[at, str(rate)] for at, rate in partner.commission_history]),
            replicated_from=replicated_from,
        )
        if partner.version:  # a new partner has no version yet: pynamodb starts it at 1
            item.version = partner.version
        return item

    def add(self, partner: Partner, event: IntegrationEvent) -> None:
        guard = self._guard(partner.email, partner_id=partner.partner_id)
        outbox = outbox_entry(self._outbox_table, event)
        try:
            with Transaction() as transaction:
                email = transaction.save(guard, condition=self._guard.email.does_not_exist())
                transaction.save(self._to_item(partner), condition=self._item.partner_id.does_not_exist())
                transaction.save(outbox, condition=type(outbox).event_id.does_not_exist())
        except TransactWriteError as error:
            if transaction.blames(error, email):
                raise DuplicateEmail(f"a partner with email {partner.email} already exists") from None
            raise

    def import_partners(self, partners: list[Partner]) -> None:
        """Migration: store partners as they are, with their email guards and no event (a migrated
        partner is no new business). Idempotent: a guard already held by the same partner is fine.
        50 partners (100 items) per transaction: the guard is the one invariant that needs one."""
        dynamodb = client("dynamodb")
        guards, items = self._guard.Meta.table_name, self._item.Meta.table_name
        for start in range(0, len(partners), 50):
            chunk = partners[start : start + 50]
            writes = [
                {
                    "Put": {
                        "TableName": guards,
                        "Item": self._guard(p.email, partner_id=p.partner_id).serialize(),
                        "ConditionExpression": "attribute_not_exists(email) OR partner_id = :partner",
                        "ExpressionAttributeValues": {":partner": {"S": p.partner_id}},
                    }
                }
                for p in chunk
            ]
            writes += [
                {
                    "Put": {
                        "TableName": items,
                        "Item": self._to_item(replace(p, version=1), "blue").serialize(),
                    }
                }
                for p in chunk
            ]  # as it was: version 1, no condition (a re-run writes the same)
            try:
                dynamodb.transact_write_items(TransactItems=writes)
            except ClientError as error:
                reasons = error.response.get("CancellationReasons") or []
                taken = [
                    p for p, reason in zip(chunk, reasons) if reason.get("Code") == "ConditionalCheckFailed"
                ]
                if taken:
                    raise DuplicateEmail(
                        f"{len(taken)} migrated partner(s) have an email another partner of the "
                        f"platform holds, e.g. {taken[0].partner_id}"
                    ) from None
                raise

    def replicate(self, partner: Partner, previous: Partner | None) -> None:
        """Change capture: the monolith's new state of a partner, over ``previous`` (what was read; the
        write is conditional on it) or as a new partner. The email guard moves with a changed email."""
        # pynamodb's version: a new item starts at 1; otherwise the write is conditional on ``previous``'s
        item = self._to_item(replace(partner, version=previous.version if previous else 0), "blue")
        try:
            with Transaction() as transaction:
                if previous is None or previous.email != partner.email:
                    email = transaction.save(
                        self._guard(partner.email, partner_id=partner.partner_id),
                        condition=self._guard.email.does_not_exist()
                        | (self._guard.partner_id == partner.partner_id),
                    )
                if previous is not None and previous.email != partner.email:
                    transaction.delete(
                        self._guard(previous.email), condition=self._guard.partner_id == partner.partner_id
                    )
                transaction.save(
                    item, condition=self._item.partner_id.does_not_exist() if previous is None else None
                )
        except TransactWriteError as error:
            if (previous is None or previous.email != partner.email) and transaction.blames(error, email):
                raise DuplicateEmail(
                    f"another partner of the platform has the email {partner.email}"
                ) from None
            if cancelled_by_condition(error):
                raise Conflict("partner was changed concurrently; reload and retry") from None
            raise

    def get_many(self, partner_ids: list[str]) -> dict[str, Partner]:
        return {
            item.partner_id: _to_domain(item)
            for item in self._item.batch_get(partner_ids, consistent_read=True)
        }

    def all_ids(self) -> Iterator[str]:
        """Every partner id (keys only): a migration's check for records legacy does not have."""
        return (item.partner_id for item in self._item.scan(attributes_to_get=["partner_id"]))

    def get(self, partner_id: str) -> Partner | None:
        try:
            return _to_domain(self._item.get(partner_id, consistent_read=True))
        except self._item.DoesNotExist:
            return None

    def save(self, partner: Partner, event: IntegrationEvent | None = None) -> Partner:
        """Optimistic: the item's ``version`` must not have moved since ``partner`` was read."""
        item = self._to_item(partner)
        try:
            with Transaction() as transaction:
                transaction.save(item)
                if event is not None:
                    outbox = outbox_entry(self._outbox_table, event)
                    transaction.save(outbox, condition=type(outbox).event_id.does_not_exist())
        except TransactWriteError as error:
            if cancelled_by_condition(error):
                raise Conflict("partner was changed concurrently; reload and retry") from None
            raise
        return _to_domain(item)

    def list(
        self,
        status: PartnerStatus | None,
        partner_type: PartnerType | None,
        limit: int,
        next_token: str | None,
    ) -> tuple[list[Partner], str | None]:
        """One status (its index) or every status (a scan), optionally of one type."""
        condition = None if partner_type is None else self._item.partner_type == partner_type.value
        if status is None:
            items, token = scan_page(self._item, condition, limit, next_token)
        else:
            items, token = query_page(
                self._item, self._item.by_status, status.value, condition, limit, next_token
            )
        return [_to_domain(item) for item in items], token
