"""Onboarding's projection of partners on DynamoDB: one row per partner, sticky flags, its contract ids.

Flags are set with ``SET flag = true`` (idempotent, commutative). A draft adds its contract id with
``ADD contract_ids`` inside the event store's transaction (see :mod:`onboarding.adapters.event_store`),
on the condition that the partner takes contracts, so no contract can slip in after a deactivation.
"""

from __future__ import annotations

import functools
from typing import Any

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.models import Model

from hexa_shared.dynamo import batch_put, bound
from onboarding.domain.partners import KnownPartner


class _PartnerRow(Model):
    partner_id = UnicodeAttribute(hash_key=True)
    registered = BooleanAttribute(null=True)
    deactivated = BooleanAttribute(null=True)
    contract_ids = UnicodeSetAttribute(null=True)


@functools.lru_cache(maxsize=None)
def partner_row_model(table_name: str) -> type[_PartnerRow]:
    return bound(_PartnerRow, table_name, "OnboardingPartnerRow")


def _known(row: Any) -> KnownPartner:
    return KnownPartner(
        partner_id=row.partner_id,
        registered=bool(row.registered),
        deactivated=bool(row.deactivated),
        contract_ids=frozenset(row.contract_ids or ()),
    )


def not_deactivated(model: type[_PartnerRow]) -> Any:
    return model.deactivated.does_not_exist() | (model.deactivated == False)  # noqa: E712


def takes_contracts(model: type[_PartnerRow]) -> Any:
    """The condition a draft's transaction puts on the partner's row."""
    return (model.registered == True) & not_deactivated(model)  # noqa: E712


class DynamoKnownPartners:
    def __init__(self, table_name: str) -> None:
        self._row = partner_row_model(table_name)

    def import_partners(self, partners: list[KnownPartner]) -> int:
        """Migration: the partners as the monolith had them, each with every contract id it had."""
        return batch_put(
            self._row,
            [
                self._row(
                    p.partner_id,
                    registered=p.registered,
                    deactivated=p.deactivated,
                    contract_ids=set(p.contract_ids) or None,
                )
                for p in partners
            ],
        )

    def get_many(self, partner_ids: list[str]) -> dict[str, KnownPartner]:
        return {row.partner_id: _known(row) for row in self._row.batch_get(partner_ids, consistent_read=True)}

    def get(self, partner_id: str) -> KnownPartner | None:
        try:
            return _known(self._row.get(partner_id, consistent_read=True))
        except self._row.DoesNotExist:
            return None

    def record_registered(self, partner_id: str) -> KnownPartner:
        return self._set(partner_id, self._row.registered)

    def record_deactivated(self, partner_id: str) -> KnownPartner:
        """Sticky; the answer (read in the same write) lists every contract drafted before it."""
        return self._set(partner_id, self._row.deactivated)

    def _set(self, partner_id: str, flag: Any) -> KnownPartner:
        row = self._row(partner_id)
        row.update(actions=[flag.set(True)])  # pynamodb refreshes the row from ALL_NEW
        return _known(row)
