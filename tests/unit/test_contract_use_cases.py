"""Onboarding's use cases on the in-memory fakes (tests/fakes, proven by tests/contract): milliseconds each.

Who may act, If-Match (412), a rival that wins between load and append (409, or 412 when the caller sent
If-Match), and the partner-event consumer's dedup and ordering.
"""

from __future__ import annotations

import pytest

from fakes.event_ledger import InMemoryProcessedEvents
from fakes.onboarding import InMemoryEventStore, InMemoryKnownPartners
from hexa_shared.auth import Principal
from hexa_shared.clock import new_id, now_iso
from hexa_shared.errors import Forbidden, NotFound, PreconditionFailed
from hexa_shared.events.envelope import IntegrationEvent
from onboarding.application.change_contract import create_contract, load_contract, submit
from onboarding.application.commands import CreateContract
from onboarding.application.partner_events import draft_contract_for_new_partner
from onboarding.application.ports import ConcurrencyConflict, PartnerNotKnown
from onboarding.domain.contract import Contract, ContractStatus

ADMIN = Principal("admin", "admin")


@pytest.fixture
def partners() -> InMemoryKnownPartners:
    return InMemoryKnownPartners()


@pytest.fixture
def processed() -> InMemoryProcessedEvents:
    return InMemoryProcessedEvents()


@pytest.fixture
def store(partners: InMemoryKnownPartners, processed: InMemoryProcessedEvents) -> InMemoryEventStore:
    return InMemoryEventStore(partners, processed)


def _contract(store: InMemoryEventStore, partners: InMemoryKnownPartners) -> Contract:
    partner_id = new_id()
    partners.record_registered(partner_id)
    return create_contract(CreateContract(partner_id=partner_id, contract_type="STANDARD"), store, ADMIN, "c")


class RivalFirst(InMemoryEventStore):
    """Another command commits version ``n`` between this command's load and its append."""

    def arm(self, contract_id: str) -> None:
        self._rival = contract_id

    def append(self, events, processed_event_id=None, registering=False):  # noqa: ANN001, ANN201
        rival = getattr(self, "_rival", None)
        if rival is not None:
            self._rival = None
            winner = Contract.from_history(self.load(rival)).amend_terms({"by": "rival"}, now_iso())
            super().append(list(winner.pending))
        super().append(events, processed_event_id, registering)


def test_an_admin_drafts_for_a_registered_partner_and_a_partner_may_not(store, partners) -> None:  # noqa: ANN001
    contract = _contract(store, partners)
    assert [e.version for e in store.load(contract.contract_id)] == [1]
    partner = Principal(contract.partner_id, "partner", contract.partner_id)
    with pytest.raises(Forbidden):
        create_contract(
            CreateContract(partner_id=contract.partner_id, contract_type="STANDARD"), store, partner, "c"
        )


def test_a_draft_for_a_partner_onboarding_does_not_know_is_refused(store) -> None:  # noqa: ANN001
    with pytest.raises(PartnerNotKnown):
        create_contract(CreateContract(partner_id=new_id(), contract_type="STANDARD"), store, ADMIN, "c")
    assert list(store.all_events()) == []


def test_another_partners_contract_does_not_exist_for_a_partner(store, partners) -> None:  # noqa: ANN001
    contract = _contract(store, partners)
    stranger = Principal(new_id(), "partner", new_id())
    with pytest.raises(NotFound):
        load_contract(store, contract.contract_id, stranger)


def test_a_stale_if_match_is_412_and_appends_nothing(store, partners) -> None:  # noqa: ANN001
    contract = _contract(store, partners)
    with pytest.raises(PreconditionFailed, match="at version 1, not 7"):
        submit(contract.contract_id, store, ADMIN, 7, "c")
    assert len(store.load(contract.contract_id)) == 1


def test_a_rival_winning_between_load_and_append_is_409_without_if_match_and_412_with_it(partners) -> None:  # noqa: ANN001
    store = RivalFirst(partners)
    contract = _contract(store, partners)
    store.arm(contract.contract_id)
    with pytest.raises(ConcurrencyConflict):
        submit(contract.contract_id, store, ADMIN, None, "c")
    store.arm(contract.contract_id)
    with pytest.raises(PreconditionFailed, match="moved past version 2"):
        submit(contract.contract_id, store, ADMIN, 2, "c")
    history = store.load(contract.contract_id)
    assert [e.event_type for e in history][-1] == "ContractTermsAmended"  # only the rivals' writes landed
    assert Contract.from_history(history).status is ContractStatus.DRAFT


def _registration(partner_id: str) -> IntegrationEvent:
    return IntegrationEvent(
        name="PartnerRegistrationCompleted",
        source="hexabuilders.partner-management",
        correlation_id="unit",
        data={
            "partner_id": partner_id,
            "partner_data": {
                "name": "Unit",
                "email": "u@x.example",
                "partner_type": "AGENCY",
                "country": "PT",
            },
        },
    )


def test_a_registration_drafts_one_contract_however_often_it_is_delivered(store, partners, processed) -> None:  # noqa: ANN001
    event = _registration(new_id())
    first = draft_contract_for_new_partner(event, store, partners, processed)
    assert first is not None
    assert draft_contract_for_new_partner(event, store, partners, processed) is None
    assert len(list(store.all_events())) == 1
    assert partners.get(event.data["partner_id"]).contract_ids == frozenset({first})


def test_a_registration_after_the_deactivation_registers_but_drafts_nothing(
    store, partners, processed
) -> None:  # noqa: ANN001
    event = _registration(new_id())
    partners.record_deactivated(event.data["partner_id"])
    assert draft_contract_for_new_partner(event, store, partners, processed) is None
    assert list(store.all_events()) == []
    assert partners.get(event.data["partner_id"]).registered
    assert processed.already_processed(event.event_id)
