"""Read use cases: the current state (read model), lists, and the full history (event store)."""

from __future__ import annotations

from hexa_shared.auth import Principal
from hexa_shared.errors import NotFound
from onboarding.application.commands import ListContracts
from onboarding.application.ports import ContractReadModel, EventStore
from onboarding.domain.contract import Contract
from onboarding.domain.events import ContractEvent


def get_contract(contract_id: str, read_model: ContractReadModel, principal: Principal) -> Contract:
    contract = read_model.get(contract_id)
    if contract is None or not principal.can_see_partner(contract.partner_id):
        raise NotFound("contract not found")
    return contract


def list_contracts(
    query: ListContracts, read_model: ContractReadModel, principal: Principal
) -> tuple[list[Contract], str | None]:
    return principal.scoped_list(
        query.partner_id,
        lambda partner_id: read_model.list_for_partner(
            partner_id, query.status, query.limit, query.next_token
        ),
        lambda: read_model.list_all(query.status, query.limit, query.next_token),
    )


def contract_history(contract_id: str, store: EventStore, principal: Principal) -> list[ContractEvent]:
    history = store.load(contract_id)
    if not history or not principal.can_see_partner(history[0].partner_id):
        raise NotFound("contract not found")
    return history
