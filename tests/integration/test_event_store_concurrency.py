"""The contract event store under contention, against the emulator over loopback."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from hexa_shared.clock import new_id, now_iso
from onboarding.adapters.event_store import DynamoEventStore
from onboarding.adapters.known_partners import DynamoKnownPartners
from onboarding.application.ports import ConcurrencyConflict, PartnerClosed, PartnerNotKnown
from onboarding.domain.contract import Contract, ContractType

WRITERS = 24
ROUNDS = 4


@pytest.fixture()
def store(cloud) -> DynamoEventStore:  # noqa: ANN001
    return DynamoEventStore(os.environ["CONTRACT_EVENTS_TABLE"], os.environ["ONBOARDING_PARTNERS_TABLE"])


@pytest.fixture()
def partners(cloud) -> DynamoKnownPartners:  # noqa: ANN001
    return DynamoKnownPartners(os.environ["ONBOARDING_PARTNERS_TABLE"])


def known_partner(partners: DynamoKnownPartners) -> str:
    partner_id = new_id()
    partners.record_registered(partner_id)
    return partner_id


def test_parallel_writers_get_one_winner_per_version_and_no_gaps(
    store: DynamoEventStore, partners: DynamoKnownPartners
) -> None:
    contract = Contract.draft(
        contract_id=new_id(),
        partner_id=known_partner(partners),
        contract_type=ContractType.STANDARD,
        terms={},
        now=now_iso(),
    )
    store.append(list(contract.pending))
    for round_number in range(ROUNDS):
        barrier = threading.Barrier(WRITERS)

        def writer(n: int) -> str:
            current = Contract.from_history(store.load(contract.contract_id))
            changed = current.amend_terms({"writer": n, "round": round_number}, now_iso())
            barrier.wait()  # everyone read the same version; now all append at once
            try:
                store.append(list(changed.pending))
                return "won"
            except ConcurrencyConflict:
                return "lost"

        with ThreadPoolExecutor(WRITERS) as pool:
            outcomes = list(pool.map(writer, range(WRITERS)))
        assert outcomes.count("won") == 1, outcomes
        assert outcomes.count("lost") == WRITERS - 1
    history = store.load(contract.contract_id)
    assert [e.version for e in history] == list(range(1, ROUNDS + 2))
    assert len({e.event_id for e in history}) == len(history)


def test_multi_event_append_is_all_or_nothing(store: DynamoEventStore, partners: DynamoKnownPartners) -> None:
    draft = Contract.draft(
        contract_id=new_id(),
        partner_id=known_partner(partners),
        contract_type=ContractType.PREMIUM,
        terms={},
        now=now_iso(),
    )
    store.append(list(draft.pending))
    stored = Contract.from_history(store.load(draft.contract_id))
    two_events = stored.submit(now_iso()).sign("Ana", now_iso())  # versions 2 and 3 in one transaction
    rival = stored.terminate("rival", now_iso())  # version 2, stored first
    store.append(list(rival.pending))
    with pytest.raises(ConcurrencyConflict):
        store.append(list(two_events.pending))
    assert [e.event_type for e in store.load(draft.contract_id)] == ["ContractDrafted", "ContractTerminated"]

    fresh = Contract.from_history(store.load(draft.contract_id))
    assert fresh.status.value == "TERMINATED" and fresh.version == 2


def test_a_draft_claims_its_partner_only_while_the_partner_takes_contracts(
    store: DynamoEventStore, partners: DynamoKnownPartners
) -> None:
    """Issue 12 #4/#9: no contract for an unknown partner, none after a deactivation, and every draft
    listed on its partner's row in the draft's own transaction."""
    unknown = Contract.draft(
        contract_id=new_id(),
        partner_id=new_id(),
        contract_type=ContractType.STANDARD,
        terms={},
        now=now_iso(),
    )
    with pytest.raises(PartnerNotKnown):
        store.append(list(unknown.pending))
    assert store.load(unknown.contract_id) == []

    partner_id = known_partner(partners)
    drafts = [
        Contract.draft(
            contract_id=new_id(),
            partner_id=partner_id,
            contract_type=ContractType.STANDARD,
            terms={},
            now=now_iso(),
        )
        for _ in range(3)
    ]
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda draft: store.append(list(draft.pending)), drafts))
    deactivated = partners.record_deactivated(partner_id)
    assert deactivated.contract_ids == {d.contract_id for d in drafts} and not deactivated.takes_contracts

    late = Contract.draft(
        contract_id=new_id(),
        partner_id=partner_id,
        contract_type=ContractType.STANDARD,
        terms={},
        now=now_iso(),
    )
    with pytest.raises(PartnerClosed):
        store.append(list(late.pending))
    assert (
        store.load(late.contract_id) == [] and late.contract_id not in partners.get(partner_id).contract_ids
    )
