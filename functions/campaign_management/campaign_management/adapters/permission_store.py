"""Contract facts per partner (one row per contract, one for the partner), as sticky flags.

Every write is an idempotent, commutative ``SET flag = true``: facts may arrive in any order and
any number of times and the rows end up the same.
"""
from __future__ import annotations

import functools

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute
from pynamodb.models import Model

from campaign_management.domain.permissions import ContractFacts, PartnerStanding
from hexa_shared.dynamo import bound

PARTNER_ROW = "PARTNER"
CONTRACT_PREFIX = "CONTRACT#"


class _FactRow(Model):
    partner_id = UnicodeAttribute(hash_key=True)
    fact_key = UnicodeAttribute(range_key=True)
    contract_type = UnicodeAttribute(null=True)
    activated = BooleanAttribute(null=True)
    terminated = BooleanAttribute(null=True)
    deactivated = BooleanAttribute(null=True)
    registered = BooleanAttribute(null=True)


@functools.lru_cache(maxsize=None)
def _model(table_name: str) -> type[_FactRow]:
    return bound(_FactRow, table_name, "PermissionFact")


class DynamoPermissionStore:
    def __init__(self, table_name: str) -> None:
        self._row = _model(table_name)

    def facts(self, partner_id: str) -> tuple[list[ContractFacts], PartnerStanding]:
        contracts, standing = [], PartnerStanding()
        for row in self._row.query(partner_id, consistent_read=True):
            if row.fact_key == PARTNER_ROW:
                standing = PartnerStanding(registered=bool(row.registered), deactivated=bool(row.deactivated))
            else:
                contracts.append(ContractFacts(contract_id=row.fact_key.removeprefix(CONTRACT_PREFIX),
                                               contract_type=row.contract_type, activated=bool(row.activated),
                                               terminated=bool(row.terminated)))
        return contracts, standing

    def contract_activated(self, partner_id: str, contract_id: str, contract_type: str) -> None:
        self._row(partner_id, CONTRACT_PREFIX + contract_id).update(
            actions=[self._row.activated.set(True), self._row.contract_type.set(contract_type)])

    def contract_terminated(self, partner_id: str, contract_id: str) -> None:
        self._row(partner_id, CONTRACT_PREFIX + contract_id).update(actions=[self._row.terminated.set(True)])

    def partner_registered(self, partner_id: str) -> None:
        self._row(partner_id, PARTNER_ROW).update(actions=[self._row.registered.set(True)])

    def partner_deactivated(self, partner_id: str) -> None:
        self._row(partner_id, PARTNER_ROW).update(actions=[self._row.deactivated.set(True)])
