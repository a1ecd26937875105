"""The KnownPartners port's contract (Onboarding's own projection of partners), on the in-memory fake and
DynamoDB alike: the facts are sticky and end the same in any order and any number of deliveries; a
deactivation answers every contract drafted for the partner before it (written with each draft)."""

from __future__ import annotations

import itertools
import os

import pytest

from fakes.onboarding import InMemoryEventStore, InMemoryKnownPartners
from hexa_shared.clock import new_id, now_iso
from onboarding.application.ports import EventStore, KnownPartners
from onboarding.domain.contract import Contract, ContractType


class KnownPartnersContract:
    partners: KnownPartners
    store: EventStore  # drafts write the partner's contract ids

    def _draft(self, partner_id: str) -> str:
        draft = Contract.draft(
            contract_id=new_id(),
            partner_id=partner_id,
            contract_type=ContractType.STANDARD,
            terms={},
            now=now_iso(),
        )
        self.store.append(list(draft.pending))
        return draft.contract_id

    def test_an_unknown_partner_is_none(self) -> None:
        assert self.partners.get(new_id()) is None

    @pytest.mark.parametrize(
        "order", list(itertools.permutations(["registered", "deactivated"])), ids="-".join
    )
    def test_the_facts_are_sticky_in_any_order_and_repetition(self, order: tuple[str, ...]) -> None:
        partner_id = new_id()
        record = {
            "registered": self.partners.record_registered,
            "deactivated": self.partners.record_deactivated,
        }
        for fact in order + order:
            record[fact](partner_id)
        known = self.partners.get(partner_id)
        assert known is not None and known.registered and known.deactivated and not known.takes_contracts

    def test_a_registered_partner_takes_contracts_and_the_answer_is_its_row(self) -> None:
        partner_id = new_id()
        known = self.partners.record_registered(partner_id)
        assert known.takes_contracts and known == self.partners.get(partner_id)
        assert known.contract_ids == frozenset()

    def test_a_deactivation_answers_every_contract_drafted_before_it(self) -> None:
        partner_id = new_id()
        self.partners.record_registered(partner_id)
        drafted = {self._draft(partner_id) for _ in range(3)}
        answer = self.partners.record_deactivated(partner_id)
        assert answer.deactivated and answer.contract_ids == frozenset(drafted)
        assert self.partners.record_deactivated(partner_id) == answer  # a redelivery: the same answer


class TestInMemoryKnownPartners(KnownPartnersContract):
    @pytest.fixture(autouse=True)
    def _partners(self) -> None:
        self.partners = InMemoryKnownPartners()
        self.store = InMemoryEventStore(self.partners)


class TestDynamoKnownPartners(KnownPartnersContract):
    @pytest.fixture(autouse=True)
    def _partners(self, cloud) -> None:  # noqa: ANN001 - the running local cloud (its tables)
        from onboarding.adapters.event_store import DynamoEventStore
        from onboarding.adapters.known_partners import DynamoKnownPartners

        table = os.environ["ONBOARDING_PARTNERS_TABLE"]
        self.partners = DynamoKnownPartners(table)
        self.store = DynamoEventStore(os.environ["CONTRACT_EVENTS_TABLE"], table)
