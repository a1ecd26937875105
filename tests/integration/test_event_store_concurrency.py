"""The contract event store under contention, against the emulator over loopback."""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from hexa_shared.clock import new_id, now_iso
from onboarding.adapters.event_store import DynamoEventStore
from onboarding.application.ports import ConcurrencyConflict
from onboarding.domain.contract import Contract, ContractType

WRITERS = 24
ROUNDS = 4


@pytest.fixture()
def store(cloud) -> DynamoEventStore:  # noqa: ANN001
    return DynamoEventStore(os.environ["CONTRACT_EVENTS_TABLE"])


def test_parallel_writers_get_one_winner_per_version_and_no_gaps(store: DynamoEventStore) -> None:
    contract = Contract.draft(contract_id=new_id(), partner_id=new_id(), contract_type=ContractType.STANDARD,
                              terms={}, now=now_iso())
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


def test_multi_event_append_is_all_or_nothing(store: DynamoEventStore) -> None:
    draft = Contract.draft(contract_id=new_id(), partner_id=new_id(), contract_type=ContractType.PREMIUM, terms={},
                           now=now_iso())
    store.append(list(draft.pending))
    stored = Contract.from_history(store.load(draft.contract_id))
    two_events = stored.submit(now_iso()).sign("Ana", now_iso())  # versions 2 and 3 in one transaction
    rival = stored.terminate("rival", now_iso())             # version 2, stored first
    store.append(list(rival.pending))
    with pytest.raises(ConcurrencyConflict):
        store.append(list(two_events.pending))
    assert [e.event_type for e in store.load(draft.contract_id)] == ["ContractDrafted", "ContractTerminated"]

    fresh = Contract.from_history(store.load(draft.contract_id))
    assert fresh.status.value == "TERMINATED" and fresh.version == 2
