"""Use cases that change a contract: create, amend terms, submit, sign, activate, terminate.

Each loads the aggregate from the event store (never the read model), checks who may act and the
caller's ``If-Match`` version, runs the domain command and appends the new events conditionally.
Of concurrent commands exactly one wins; the others get 409 (or 412 when they sent ``If-Match``).
"""

from __future__ import annotations

from typing import Callable

from hexa_shared.auth import ADMIN, PARTNER, Principal
from hexa_shared.clock import new_id, now_iso
from hexa_shared.errors import NotFound, PreconditionFailed
from onboarding.application.commands import AmendTerms, CreateContract, SignContract, TerminateContract
from onboarding.application.ports import ConcurrencyConflict, EventStore
from onboarding.domain.contract import Contract


def create_contract(
    command: CreateContract, store: EventStore, principal: Principal, correlation_id: str
) -> Contract:
    principal.require_role(ADMIN)
    contract = Contract.draft(
        contract_id=new_id(),
        partner_id=command.partner_id,
        contract_type=command.contract_type,
        terms=command.terms,
        now=now_iso(),
        correlation_id=correlation_id,
    )
    store.append(list(contract.pending))
    return contract


def load_contract(store: EventStore, contract_id: str, principal: Principal) -> Contract:
    history = store.load(contract_id)
    if not history:
        raise NotFound("contract not found")
    contract = Contract.from_history(history)
    principal.require_partner(contract.partner_id, "contract")
    return contract


def _change(
    store: EventStore,
    contract_id: str,
    principal: Principal,
    if_match: int | None,
    command: Callable[[Contract], Contract],
) -> Contract:
    contract = load_contract(store, contract_id, principal)
    if if_match is not None and if_match != contract.version:
        raise PreconditionFailed(f"contract is at version {contract.version}, not {if_match}")
    changed = command(contract)
    try:
        store.append(list(changed.pending))
    except ConcurrencyConflict:
        if if_match is not None:
            raise PreconditionFailed(f"contract moved past version {if_match} meanwhile") from None
        raise
    return changed


def amend_terms(
    contract_id: str,
    command: AmendTerms,
    store: EventStore,
    principal: Principal,
    if_match: int | None,
    correlation_id: str,
) -> Contract:
    principal.require_role(ADMIN)
    return _change(
        store,
        contract_id,
        principal,
        if_match,
        lambda c: c.amend_terms(command.terms, now_iso(), correlation_id),
    )


def submit(
    contract_id: str, store: EventStore, principal: Principal, if_match: int | None, correlation_id: str
) -> Contract:
    principal.require_role(ADMIN)
    return _change(store, contract_id, principal, if_match, lambda c: c.submit(now_iso(), correlation_id))


def sign(
    contract_id: str,
    command: SignContract,
    store: EventStore,
    principal: Principal,
    if_match: int | None,
    correlation_id: str,
) -> Contract:
    """The partner itself (or an admin on its behalf) signs."""
    principal.require_role(ADMIN, PARTNER)
    return _change(
        store,
        contract_id,
        principal,
        if_match,
        lambda c: c.sign(command.signed_by, now_iso(), correlation_id),
    )


def activate(
    contract_id: str, store: EventStore, principal: Principal, if_match: int | None, correlation_id: str
) -> Contract:
    principal.require_role(ADMIN)
    return _change(store, contract_id, principal, if_match, lambda c: c.activate(now_iso(), correlation_id))


def terminate(
    contract_id: str,
    command: TerminateContract,
    store: EventStore,
    principal: Principal,
    if_match: int | None,
    correlation_id: str,
) -> Contract:
    principal.require_role(ADMIN)
    return _change(
        store,
        contract_id,
        principal,
        if_match,
        lambda c: c.terminate(command.reason, now_iso(), correlation_id),
    )
