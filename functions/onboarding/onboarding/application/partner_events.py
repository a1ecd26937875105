"""Use cases driven by Partner Management's events, order-tolerant.

Both events record a sticky fact in Onboarding's partner projection (registered / deactivated), so
whichever arrives first, the outcome is the same:

* ``PartnerRegistrationCompleted`` → draft exactly one STANDARD contract, however often the event
  arrives: the contract's first event, the partner's registration with its claim on the contract
  (only while the partner is not deactivated) and the idempotency marker go into one transaction. A
  partner already deactivated (its deactivation arrived first) is registered but gets no contract.
* ``PartnerDeactivated`` → mark the partner deactivated — no contract can be drafted for it after that
  — then terminate every open contract drafted before, found in the partner's row (written with each
  draft, strongly consistent) and the read model (contracts drafted before the projection kept ids),
  each re-read from the event store. Idempotent by state; marked processed afterwards.
"""

from __future__ import annotations

from hexa_shared.clock import new_id, now_iso
from hexa_shared.events.envelope import IntegrationEvent
from hexa_shared.event_ledger import EventLedger
from onboarding.application.ports import (
    AlreadyProcessed,
    ConcurrencyConflict,
    ContractReadModel,
    EventStore,
    KnownPartners,
    PartnerClosed,
)
from onboarding.domain.contract import Contract, ContractStatus, ContractType

CONCURRENCY_RETRIES = 3
DEACTIVATION_REASON = "partner deactivated"


def draft_contract_for_new_partner(
    event: IntegrationEvent, store: EventStore, partners: KnownPartners, ledger: EventLedger
) -> str | None:
    """Returns the new contract id, or ``None`` when this event was already handled or the partner is
    deactivated."""
    if ledger.already_processed(event.event_id):
        return None
    partner_id = event.data["partner_id"]
    contract = Contract.draft(
        contract_id=new_id(),
        partner_id=partner_id,
        contract_type=ContractType.STANDARD,
        terms={},
        now=now_iso(),
        correlation_id=event.correlation_id,
    )
    try:  # the draft, the partner's registration and the marker: one transaction
        store.append(list(contract.pending), processed_event_id=event.event_id, registering=True)
    except AlreadyProcessed:
        return None
    except PartnerClosed:  # its deactivation came first: registered all the same, but no contract
        partners.record_registered(partner_id)
        ledger.record(event.event_id)
        return None
    return contract.contract_id


def terminate_partner_contracts(
    event: IntegrationEvent,
    store: EventStore,
    read_model: ContractReadModel,
    partners: KnownPartners,
    ledger: EventLedger,
) -> list[str]:
    """Returns the ids of the contracts this delivery terminated."""
    if ledger.already_processed(event.event_id):
        return []
    partner_id = event.data["partner_id"]
    claimed = partners.record_deactivated(partner_id).contract_ids
    candidates = sorted(claimed | set(_listed_contract_ids(read_model, partner_id)))
    terminated = [
        contract_id for contract_id in candidates if _terminate(store, contract_id, event.correlation_id)
    ]
    ledger.record(event.event_id)
    return terminated


def _listed_contract_ids(read_model: ContractReadModel, partner_id: str) -> list[str]:
    ids, token = [], None
    while True:
        page, token = read_model.list_for_partner(partner_id, None, 200, token)
        ids += [c.contract_id for c in page if c.status is not ContractStatus.TERMINATED]
        if not token:
            return ids


def _terminate(store: EventStore, contract_id: str, correlation_id: str) -> bool:
    for attempt in range(CONCURRENCY_RETRIES):
        history = store.load(contract_id)  # the store, not the (lagging) read model
        if not history:
            return False
        contract = Contract.from_history(history)
        if not contract.is_open:
            return False
        try:
            store.append(list(contract.terminate(DEACTIVATION_REASON, now_iso(), correlation_id).pending))
            return True
        except ConcurrencyConflict:
            if attempt == CONCURRENCY_RETRIES - 1:
                raise
    return False
