"""The contract event store's contract (EventStore port), run against the in-memory fake and DynamoDB alike.

Versions are claimed once; an append is all or nothing; a draft only for a partner that takes contracts
(or one registering in the same write); a consumer's dedup marker is written with the events and refuses
a second delivery.
"""

from __future__ import annotations

import os

import pytest

from fakes.event_ledger import InMemoryProcessedEvents
from fakes.onboarding import InMemoryEventStore, InMemoryKnownPartners
from hexa_shared.clock import new_id, now_iso
from onboarding.application.ports import AlreadyProcessed, ConcurrencyConflict, PartnerClosed, PartnerNotKnown
from onboarding.domain.contract import Contract, ContractType


def _draft(partner_id: str) -> Contract:
    return Contract.draft(
        contract_id=new_id(),
        partner_id=partner_id,
        contract_type=ContractType.STANDARD,
        terms={},
        now=now_iso(),
        correlation_id="contract-suite",
    )


class EventStoreContract:
    """Subclasses set ``store``, ``partners`` (KnownPartners), ``processed`` (the store's dedup ledger)
    and ``bare_store`` (the same store without a ledger)."""

    def _registered(self) -> str:
        partner_id = new_id()
        self.partners.record_registered(partner_id)
        return partner_id

    def test_appended_events_load_back_in_version_order(self) -> None:
        draft = _draft(self._registered())
        self.store.append(list(draft.pending))
        committed = Contract.from_history(self.store.load(draft.contract_id))
        later = committed.amend_terms({"rate": "0.1"}, now_iso()).submit(now_iso())
        self.store.append(list(later.pending))
        history = self.store.load(draft.contract_id)
        assert [e.version for e in history] == [1, 2, 3]
        assert [e.event_type for e in history] == [
            "ContractDrafted",
            "ContractTermsAmended",
            "ContractSubmitted",
        ]

    def test_a_taken_version_is_a_conflict_and_nothing_of_the_append_is_stored(self) -> None:
        draft = _draft(self._registered())
        self.store.append(list(draft.pending))
        committed = Contract.from_history(self.store.load(draft.contract_id))
        first = committed.submit(now_iso())
        self.store.append(list(first.pending))
        rival = committed.amend_terms({"rate": "0.2"}, now_iso()).submit(now_iso())  # versions 2 and 3
        with pytest.raises(ConcurrencyConflict):
            self.store.append(list(rival.pending))
        assert [e.event_type for e in self.store.load(draft.contract_id)] == [
            "ContractDrafted",
            "ContractSubmitted",
        ]

    def test_a_draft_for_an_unknown_partner_is_refused_and_leaves_nothing(self) -> None:
        partner_id = new_id()
        draft = _draft(partner_id)
        with pytest.raises(PartnerNotKnown):
            self.store.append(list(draft.pending))
        assert self.store.load(draft.contract_id) == []
        assert self.partners.get(partner_id) is None

    def test_a_draft_for_a_deactivated_partner_is_refused(self) -> None:
        partner_id = self._registered()
        self.partners.record_deactivated(partner_id)
        draft = _draft(partner_id)
        with pytest.raises(PartnerClosed):
            self.store.append(list(draft.pending))
        assert self.store.load(draft.contract_id) == []

    def test_a_draft_registering_its_partner_records_both_in_one_write(self) -> None:
        partner_id = new_id()
        draft = _draft(partner_id)
        self.store.append(list(draft.pending), registering=True)
        known = self.partners.get(partner_id)
        assert known.registered and known.contract_ids == frozenset({draft.contract_id})

    def test_the_dedup_marker_is_written_with_the_events_and_refuses_a_second_delivery(self) -> None:
        event_id = new_id()
        first = _draft(self._registered())
        self.store.append(list(first.pending), processed_event_id=event_id)
        assert self.processed.already_processed(event_id)
        again = _draft(self._registered())
        with pytest.raises(AlreadyProcessed):
            self.store.append(list(again.pending), processed_event_id=event_id)
        assert self.store.load(again.contract_id) == []

    def test_a_store_without_a_ledger_cannot_mark_an_event_processed(self) -> None:
        draft = _draft(self._registered())
        with pytest.raises(ValueError, match="without a dedup ledger"):
            self.bare_store.append(list(draft.pending), processed_event_id=new_id())
        assert self.bare_store.load(draft.contract_id) == []


class TestInMemoryEventStore(EventStoreContract):
    @pytest.fixture(autouse=True)
    def _store(self) -> None:
        self.partners = InMemoryKnownPartners()
        self.processed = InMemoryProcessedEvents()
        self.store = InMemoryEventStore(self.partners, self.processed)
        self.bare_store = InMemoryEventStore(self.partners)


class TestDynamoEventStore(EventStoreContract):
    @pytest.fixture(autouse=True)
    def _store(self, cloud) -> None:  # noqa: ANN001 - the running local cloud (its tables)
        from hexa_shared.idempotency import ProcessedEvents
        from onboarding.adapters.event_store import DynamoEventStore
        from onboarding.adapters.known_partners import DynamoKnownPartners

        events, partners = os.environ["CONTRACT_EVENTS_TABLE"], os.environ["ONBOARDING_PARTNERS_TABLE"]
        self.partners = DynamoKnownPartners(partners)
        self.processed = ProcessedEvents(os.environ["IDEMPOTENCY_TABLE"], f"contract-suite-{new_id()}")
        self.store = DynamoEventStore(events, partners, processed=self.processed)
        self.bare_store = DynamoEventStore(events, partners)
