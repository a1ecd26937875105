"""Onboarding's part of the move from the monolith: the partners it knows, and their contracts.

Each legacy contract enters the event store as one ``ContractMigrated`` event (version 1, its legacy
state and dates; no invented history). The store's stream projects it like any other event and
publishes nothing for it; the platform then works on it as on any contract (a migrated
PENDING_SIGNATURE contract can be signed). Each migrated partner is known, registered, deactivated if
it was, with every contract id it had, so deactivating it later terminates them all.
"""

from __future__ import annotations

from typing import Protocol

from onboarding.domain.events import ContractEvent, ContractMigrated
from onboarding.domain.partners import KnownPartner


class KnownPartnersImport(Protocol):
    def import_partners(self, partners: list[KnownPartner]) -> int: ...


class EventStoreImport(Protocol):
    def import_events(self, events: list[ContractEvent]) -> int: ...


def import_known_partners(partners: list[KnownPartner], known: KnownPartnersImport) -> int:
    known.import_partners(partners)
    return len(partners)


def import_contracts(events: list[ContractEvent], store: EventStoreImport) -> int:
    wrong = [e.contract_id for e in events if not isinstance(e.payload, ContractMigrated) or e.version != 1]
    if wrong:
        raise ValueError(f"only version-1 ContractMigrated events can be imported (e.g. contract {wrong[0]})")
    store.import_events(events)
    return len(events)
