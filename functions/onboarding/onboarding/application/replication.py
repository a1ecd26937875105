"""Onboarding's side of change capture while the monolith still serves some partners: the monolith's
newest state of a contract enters the event store as one event, never as invented history.

A contract new to the platform is one ``ContractMigrated`` (version 1), as the migration writes it; a
contract the platform has moves on by one ``ContractReplicated`` carrying the monolith's state. The
event id derives from the monolith's change, and a state the stream already ends in is not appended
again, so a duplicated or replayed change adds nothing. Neither event is published: what the monolith
did has had its effects there already (its permission facts are applied directly, by the caller).
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Protocol

from onboarding.domain.contract import Contract
from onboarding.domain.events import ContractEvent, ContractMigrated, ContractReplicated


class ContractReplica(Protocol):
    def load(self, contract_id: str) -> list[ContractEvent]: ...

    def replicate(self, event: ContractEvent) -> None: ...


def replicate_contract(state: ContractEvent, event_id: str, store: ContractReplica) -> ContractEvent | None:
    """``state``: the monolith's contract as the migration maps it (a version-1 ContractMigrated).
    Returns the event appended, ``None`` when the stream already ends in this state."""
    if not isinstance(state.payload, ContractMigrated):
        raise ValueError("the monolith's state of a contract comes as a ContractMigrated payload")
    history = store.load(state.contract_id)
    if not history:
        event = replace(state, version=1, event_id=event_id)
    else:
        current = Contract.from_history(history)
        if current.same_state_as(state.payload, state.occurred_at):
            return None
        event = replace(
            state,
            version=current.version + 1,
            payload=ContractReplicated(**asdict(state.payload)),
            event_id=event_id,
        )
    store.replicate(event)
    return event
