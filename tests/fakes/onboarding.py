"""Onboarding's ports in memory: the event store, the partners it knows, the contracts read model."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from fakes.event_ledger import InMemoryProcessedEvents
from fakes.paging import page
from onboarding.application.ports import AlreadyProcessed, ConcurrencyConflict, PartnerClosed, PartnerNotKnown
from onboarding.domain.contract import Contract, ContractStatus
from onboarding.domain.events import ContractDrafted, ContractEvent
from onboarding.domain.partners import KnownPartner


class InMemoryKnownPartners:
    def __init__(self) -> None:
        self.rows: dict[str, KnownPartner] = {}

    def get(self, partner_id: str) -> KnownPartner | None:
        return self.rows.get(partner_id)

    def record_registered(self, partner_id: str) -> KnownPartner:
        row = replace(self.rows.get(partner_id, KnownPartner(partner_id)), registered=True)
        self.rows[partner_id] = row
        return row

    def record_deactivated(self, partner_id: str) -> KnownPartner:
        row = replace(self.rows.get(partner_id, KnownPartner(partner_id)), deactivated=True)
        self.rows[partner_id] = row
        return row


class InMemoryEventStore:
    """All or nothing, like the DynamoDB transaction: every check first, then every write. When several
    checks fail, the error is the one the DynamoDB adapter reports first (marker, partner, version)."""

    def __init__(
        self, partners: InMemoryKnownPartners, processed: InMemoryProcessedEvents | None = None
    ) -> None:
        self.events: dict[tuple[str, int], ContractEvent] = {}
        self._partners = partners
        self._processed = processed

    def load(self, contract_id: str) -> list[ContractEvent]:
        return sorted(
            (e for (cid, _), e in self.events.items() if cid == contract_id), key=lambda e: e.version
        )

    def append(
        self, events: list[ContractEvent], processed_event_id: str | None = None, registering: bool = False
    ) -> None:
        if not events:
            return
        if processed_event_id is not None and self._processed is None:
            raise ValueError(
                "this event store was built without a dedup ledger: it cannot mark an event processed"
            )
        if processed_event_id is not None and self._processed.already_processed(processed_event_id):
            raise AlreadyProcessed()
        drafted = [e for e in events if isinstance(e.payload, ContractDrafted)]
        for event in drafted:
            known = self._partners.get(event.partner_id) or KnownPartner(event.partner_id)
            if known.deactivated:
                raise PartnerClosed(f"partner {event.partner_id} is deactivated: it takes no new contracts")
            if not registering and not known.registered:
                raise PartnerNotKnown(event.partner_id)
        keys = [(e.contract_id, e.version) for e in events]
        if len(set(keys)) != len(keys) or any(key in self.events for key in keys):
            raise ConcurrencyConflict(
                f"contract {events[0].contract_id} already has version {events[0].version}; "
                "it was changed concurrently"
            )
        for event in events:
            self.events[(event.contract_id, event.version)] = event
        for event in drafted:
            known = self._partners.get(event.partner_id) or KnownPartner(event.partner_id)
            self._partners.rows[event.partner_id] = replace(
                known,
                registered=known.registered or registering,
                contract_ids=known.contract_ids | {event.contract_id},
            )
        if processed_event_id is not None:
            self._processed.record(processed_event_id)

    def all_events(self) -> Iterator[ContractEvent]:
        return iter(sorted(self.events.values(), key=lambda e: (e.contract_id, e.version)))


class InMemoryContractReadModel:
    """What DynamoContractReadModel does, in memory: one row per contract, moved one version at a time."""

    def __init__(self) -> None:
        self.rows: dict[str, Contract] = {}

    def get(self, contract_id: str) -> Contract | None:
        return self.rows.get(contract_id)

    def list_for_partner(
        self, partner_id: str, status: ContractStatus | None, limit: int, next_token: str | None
    ) -> tuple[list[Contract], str | None]:
        return _page([c for c in self.rows.values() if c.partner_id == partner_id], status, limit, next_token)

    def list_all(
        self, status: ContractStatus | None, limit: int, next_token: str | None
    ) -> tuple[list[Contract], str | None]:
        return _page(list(self.rows.values()), status, limit, next_token)

    def project(self, event: ContractEvent, history: Callable[[], list[ContractEvent]]) -> bool:
        current = self.rows.get(event.contract_id)
        seen = current.version if current else 0
        if event.version <= seen:
            return False
        if event.version == seen + 1:
            self.rows[event.contract_id] = (current or Contract(event.contract_id)).apply(event)
        else:
            self.rows[event.contract_id] = Contract.from_history(history())
        return True

    def replace_all(self, contracts: list[Contract], reload: Callable[[str], list[ContractEvent]]) -> int:
        for contract in contracts:
            row = self.rows.get(contract.contract_id)
            if row is None or row.version <= contract.version:
                self.rows[contract.contract_id] = contract
                continue
            fresh = Contract.from_history(reload(contract.contract_id))
            if row.version > fresh.version:  # a corrupt row: it claims a version the store does not have
                self.rows[contract.contract_id] = fresh
        keep = {c.contract_id for c in contracts}
        self.rows = {k: v for k, v in self.rows.items() if k in keep}
        return len(contracts)


def _page(
    contracts: list[Contract], status: ContractStatus | None, limit: int, next_token: str | None
) -> tuple[list[Contract], str | None]:
    matching = [c for c in contracts if status is None or c.status is status]
    return page(matching, limit, next_token)
