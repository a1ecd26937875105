"""Contract facts per partner (one row per contract, one for the partner), as sticky flags.

Every write is an idempotent, commutative ``SET flag = true``: facts may arrive in any order and
any number of times and the rows end up the same.
"""

from __future__ import annotations

import functools

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute
from pynamodb.models import Model

from campaign_management.domain.permissions import ContractFacts, PartnerStanding
from hexa_shared.dynamo import batch_put, bound

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
                contracts.append(
                    ContractFacts(
                        contract_id=row.fact_key.removeprefix(CONTRACT_PREFIX),
                        contract_type=row.contract_type,
                        activated=bool(row.activated),
                        terminated=bool(row.terminated),
                    )
                )
        return contracts, standing

    def contract_activated(self, partner_id: str, contract_id: str, contract_type: str) -> None:
        self._row(partner_id, CONTRACT_PREFIX + contract_id).update(
            actions=[self._row.activated.set(True), self._row.contract_type.set(contract_type)]
        )

    def contract_terminated(self, partner_id: str, contract_id: str) -> None:
        self._row(partner_id, CONTRACT_PREFIX + contract_id).update(actions=[self._row.terminated.set(True)])

    def import_facts(
        self, standings: list[tuple[str, PartnerStanding]], contracts: list[tuple[str, ContractFacts]]
    ) -> int:
        """Migration: partners' standings and their contracts' facts as the monolith had them."""
        rows = [
            self._row(
                partner_id, PARTNER_ROW, registered=s.registered or None, deactivated=s.deactivated or None
            )
            for partner_id, s in standings
        ]
        rows += [
            self._row(
                partner_id,
                CONTRACT_PREFIX + c.contract_id,
                contract_type=c.contract_type,
                activated=c.activated or None,
                terminated=c.terminated or None,
            )
            for partner_id, c in contracts
        ]
        return batch_put(self._row, rows)

    def standings(self, partner_ids: list[str]) -> dict[str, PartnerStanding]:
        rows = self._row.batch_get([(p, PARTNER_ROW) for p in partner_ids], consistent_read=True)
        return {r.partner_id: PartnerStanding(bool(r.registered), bool(r.deactivated)) for r in rows}

    def contract_facts(self, keys: list[tuple[str, str]]) -> dict[str, ContractFacts]:
        """(partner_id, contract_id) → that contract's facts, for the keys that exist."""
        rows = self._row.batch_get([(p, CONTRACT_PREFIX + c) for p, c in keys], consistent_read=True)
        return {
            r.fact_key.removeprefix(CONTRACT_PREFIX): ContractFacts(
                r.fact_key.removeprefix(CONTRACT_PREFIX),
                r.contract_type,
                bool(r.activated),
                bool(r.terminated),
            )
            for r in rows
        }

    def partner_registered(self, partner_id: str) -> None:
        self._row(partner_id, PARTNER_ROW).update(actions=[self._row.registered.set(True)])

    def partner_deactivated(self, partner_id: str) -> None:
        self._row(partner_id, PARTNER_ROW).update(actions=[self._row.deactivated.set(True)])
