"""Onboarding's ports in memory: the event store and the partners it knows."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from fakes.event_ledger import InMemoryProcessedEvents
from onboarding.application.ports import AlreadyProcessed, ConcurrencyConflict, PartnerClosed, PartnerNotKnown
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

    def __init__(self, partners: InMemoryKnownPartners, processed: InMemoryProcessedEvents | None = None) -> None:
        self.events: dict[tuple[str, int], ContractEvent] = {}
        self._partners = partners
        self._processed = processed

    def load(self, contract_id: str) -> list[ContractEvent]:
        return sorted((e for (cid, _), e in self.events.items() if cid == contract_id), key=lambda e: e.version)

    def append(self, events: list[ContractEvent], processed_event_id: str | None = None,
               registering: bool = False) -> None:
        if not events:
            return
        if processed_event_id is not None and self._processed is None:
            raise ValueError("this event store was built without a dedup ledger: it cannot mark an event processed")
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
            raise ConcurrencyConflict(f"contract {events[0].contract_id} already has version {events[0].version}; "
                                      "it was changed concurrently")
        for event in events:
            self.events[(event.contract_id, event.version)] = event
        for event in drafted:
            known = self._partners.get(event.partner_id) or KnownPartner(event.partner_id)
            self._partners.rows[event.partner_id] = replace(
                known, registered=known.registered or registering,
                contract_ids=known.contract_ids | {event.contract_id})
        if processed_event_id is not None:
            self._processed.record(processed_event_id)

    def all_events(self) -> Iterator[ContractEvent]:
        return iter(sorted(self.events.values(), key=lambda e: (e.contract_id, e.version)))
