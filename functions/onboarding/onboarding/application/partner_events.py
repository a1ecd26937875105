"""Use cases driven by Partner Management's events.

* ``PartnerRegistrationCompleted`` → draft exactly one STANDARD contract, however often the event
  arrives: the contract's first event and the idempotency marker go into one transaction.
* ``PartnerDeactivated`` → terminate the partner's open contracts; idempotent by state (a terminated
  contract stays terminated), retried on a concurrent change, marked processed afterwards.
"""
from __future__ import annotations

from hexa_shared.clock import new_id, now_iso
from hexa_shared.events.envelope import IntegrationEvent
from hexa_shared.idempotency import ProcessedEvents
from onboarding.application.ports import AlreadyProcessed, ConcurrencyConflict, ContractReadModel, EventStore
from onboarding.domain.contract import Contract, ContractStatus, ContractType

CONCURRENCY_RETRIES = 3
DEACTIVATION_REASON = "partner deactivated"


def draft_contract_for_new_partner(event: IntegrationEvent, store: EventStore, ledger: ProcessedEvents) -> str | None:
    """Returns the new contract id, or ``None`` when this event was already handled."""
    if ledger.already_processed(event.event_id):
        return None
    contract = Contract.draft(contract_id=new_id(), partner_id=event.data["partner_id"],
                              contract_type=ContractType.STANDARD, terms={}, now=now_iso(),
                              correlation_id=event.correlation_id)
    try:
        store.append(list(contract.pending), dedup_marker=(ledger.marker(event.event_id), ledger.marker_condition()))
    except AlreadyProcessed:
        return None
    return contract.contract_id


def terminate_partner_contracts(event: IntegrationEvent, store: EventStore, read_model: ContractReadModel,
                                ledger: ProcessedEvents) -> list[str]:
    """Returns the ids of the contracts this delivery terminated."""
    if ledger.already_processed(event.event_id):
        return []
    partner_id = event.data["partner_id"]
    terminated = [contract_id for contract_id in _open_contract_ids(read_model, partner_id)
                  if _terminate(store, contract_id, event.correlation_id)]
    ledger.record(event.event_id)
    return terminated


def _open_contract_ids(read_model: ContractReadModel, partner_id: str) -> list[str]:
    ids, token = [], None
    while True:
        page, token = read_model.list(partner_id, None, 200, token)
        ids += [c.contract_id for c in page if c.status is not ContractStatus.TERMINATED]
        if not token:
            return ids


def _terminate(store: EventStore, contract_id: str, correlation_id: str) -> bool:
    for attempt in range(CONCURRENCY_RETRIES):
        contract = Contract.from_history(store.load(contract_id))  # the store, not the (lagging) read model
        if not contract.is_open:
            return False
        try:
            store.append(list(contract.terminate(DEACTIVATION_REASON, now_iso(), correlation_id).pending))
            return True
        except ConcurrencyConflict:
            if attempt == CONCURRENCY_RETRIES - 1:
                raise
    return False
