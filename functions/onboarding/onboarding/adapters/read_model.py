"""The contracts read model (current state per contract, by partner), kept by the stream projector."""

from __future__ import annotations

import functools
import json
from typing import Any, Callable, Iterator

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError
from pynamodb.models import Model

from hexa_shared import strict_json
from hexa_shared.dynamo import bound, by_partner_index, query_page, scan_page
from onboarding.application.ports import ConcurrencyConflict
from onboarding.domain.contract import Contract, ContractStatus, ContractType
from onboarding.domain.events import ContractEvent


class _ContractItem(Model):
    contract_id = UnicodeAttribute(hash_key=True)
    partner_id = UnicodeAttribute()
    contract_type = UnicodeAttribute()
    status = UnicodeAttribute()
    terms = UnicodeAttribute()  # JSON text
    version = NumberAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    signed_by = UnicodeAttribute(null=True)
    termination_reason = UnicodeAttribute(null=True)
    # "blue" when the row's latest event came from the monolith (ContractMigrated/ContractReplicated):
    # the green -> blue writer reads this table's stream and skips those, so a change never travels back
    replicated_from = UnicodeAttribute(null=True)
    by_partner = by_partner_index()


@functools.lru_cache(maxsize=None)
def _model(table_name: str) -> type[_ContractItem]:
    return bound(_ContractItem, table_name)


def _to_contract(item: _ContractItem) -> Contract:
    return Contract(
        contract_id=item.contract_id,
        partner_id=item.partner_id,
        contract_type=ContractType(item.contract_type),
        status=ContractStatus(item.status),
        terms=json.loads(item.terms),
        version=int(item.version),
        created_at=item.created_at,
        updated_at=item.updated_at,
        signed_by=item.signed_by,
        termination_reason=item.termination_reason,
    )


class DynamoContractReadModel:
    def __init__(self, table_name: str) -> None:
        self._model = _model(table_name)

    def _item(self, contract: Contract, from_monolith: bool = False) -> _ContractItem:
        return self._model(
            contract.contract_id,
            partner_id=contract.partner_id,
            contract_type=contract.contract_type.value,
            status=contract.status.value,
            terms=strict_json.dumps(contract.terms),
            version=contract.version,
            created_at=contract.created_at,
            updated_at=contract.updated_at,
            signed_by=contract.signed_by,
            termination_reason=contract.termination_reason,
            replicated_from="blue" if from_monolith else None,
        )

    def get(self, contract_id: str) -> Contract | None:
        try:
            return _to_contract(self._model.get(contract_id, consistent_read=True))
        except self._model.DoesNotExist:
            return None

    def get_many(self, contract_ids: list[str]) -> dict[str, Contract]:
        return {
            item.contract_id: _to_contract(item)
            for item in self._model.batch_get(contract_ids, consistent_read=True)
        }

    def all_ids(self) -> Iterator[str]:
        return (item.contract_id for item in self._model.scan(attributes_to_get=["contract_id"]))

    def list_for_partner(
        self, partner_id: str, status: ContractStatus | None, limit: int, next_token: str | None
    ) -> tuple[list[Contract], str | None]:
        items, token = query_page(
            self._model, self._model.by_partner, partner_id, self._status(status), limit, next_token
        )
        return [_to_contract(item) for item in items], token

    def list_all(
        self, status: ContractStatus | None, limit: int, next_token: str | None
    ) -> tuple[list[Contract], str | None]:
        items, token = scan_page(self._model, self._status(status), limit, next_token)
        return [_to_contract(item) for item in items], token

    def _status(self, status: ContractStatus | None) -> Any:
        return None if status is None else self._model.status == status.value

    def project(self, event: ContractEvent, history: Callable[[], list[ContractEvent]]) -> bool:
        """Move the row to ``event.version``; ``False`` if it already is there (redelivery)."""
        if event.version == 1:  # a new contract: no row to read first, only one to create
            try:
                self._item(Contract(event.contract_id).apply(event), event.from_monolith).save(
                    condition=self._model.contract_id.does_not_exist()
                )
                return True
            except PutError as error:
                if error.cause_response_code == "ConditionalCheckFailedException":
                    return False  # a redelivery: the row is there (at version 1 or later)
                raise
        current = self.get(event.contract_id)
        seen = current.version if current else 0
        if event.version <= seen:
            return False
        from_monolith = event.from_monolith
        if event.version == seen + 1:
            updated = (current or Contract(event.contract_id)).apply(event)
        else:  # a gap (e.g. a skipped batch): fold the whole stored history instead
            stored = history()
            updated, from_monolith = Contract.from_history(stored), stored[-1].from_monolith
        condition = (
            self._model.contract_id.does_not_exist() if current is None else self._model.version == seen
        )
        try:
            self._item(updated, from_monolith).save(condition=condition)
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise ConcurrencyConflict(f"read model row {event.contract_id} moved meanwhile") from None
            raise
        return True

    def replace_all(self, contracts: list[Contract], reload: Callable[[str], list[ContractEvent]]) -> int:
        """Overwrite every row with the folded history; rows of unknown contracts are deleted.

        Safe on a live system: a put that would move a row backwards is skipped when the projector
        stored a newer event meanwhile — unless the row claims a version the store does not have
        (a corrupt row), which the fresh fold then replaces."""
        for contract in contracts:
            try:
                self._item(contract).save(
                    condition=self._model.contract_id.does_not_exist()
                    | (self._model.version <= contract.version)
                )
            except PutError as error:
                if error.cause_response_code != "ConditionalCheckFailedException":
                    raise
                fresh, row = (
                    Contract.from_history(reload(contract.contract_id)),
                    self.get(contract.contract_id),
                )
                if row is None or row.version > fresh.version:
                    self._item(fresh).save()
        keep = {c.contract_id for c in contracts}
        with self._model.batch_write() as batch:
            for item in self._model.scan(attributes_to_get=["contract_id"]):
                if item.contract_id not in keep:
                    batch.delete(item)
        return len(contracts)
