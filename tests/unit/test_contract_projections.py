"""The contract stream's work on the fakes (tests/fakes, proven by tests/contract): the read model follows
the store whatever the delivery (repeats, gaps), a rebuild folds the store again, and exactly the three
public facts are published, with the stored event's id."""

from __future__ import annotations

import pytest

from fakes.event_publisher import InMemoryPublisher
from fakes.onboarding import InMemoryContractReadModel, InMemoryEventStore, InMemoryKnownPartners
from hexa_shared.clock import new_id, now_iso
from hexa_shared.events.publisher import PublishError
from onboarding.application.projections import integration_event, project, publish, rebuild_read_model
from onboarding.domain.contract import Contract, ContractStatus, ContractType
from onboarding.domain.events import ContractEvent


PARTNERS = InMemoryKnownPartners()


@pytest.fixture
def store() -> InMemoryEventStore:
    return InMemoryEventStore(PARTNERS)


def _lifecycle(store: InMemoryEventStore) -> list[ContractEvent]:
    partner_id = new_id()
    PARTNERS.record_registered(partner_id)
    contract = (
        Contract.draft(
            contract_id=new_id(),
            partner_id=partner_id,
            contract_type=ContractType.PREMIUM,
            terms={},
            now=now_iso(),
        )
        .submit(now_iso())
        .sign("Ana", now_iso())
        .activate(now_iso())
        .terminate("ended", now_iso())
    )
    store.append(list(contract.pending))
    return store.load(contract.contract_id)


def test_the_read_model_follows_repeats_and_gaps(store) -> None:  # noqa: ANN001
    history, read_model = _lifecycle(store), InMemoryContractReadModel()
    for event in (history[0], history[0], history[1], history[4], history[2]):  # a repeat, a gap, a late one
        project(event, read_model, store)
    row = read_model.get(history[0].contract_id)
    assert row is not None and (row.status, row.version) == (ContractStatus.TERMINATED, 5)
    assert row.to_dict() == Contract.from_history(history).to_dict()


def test_a_rebuild_folds_every_contract_again(store) -> None:  # noqa: ANN001
    histories = [_lifecycle(store) for _ in range(3)]
    read_model = InMemoryContractReadModel()
    read_model.rows["stale"] = Contract("stale")
    assert rebuild_read_model(store, read_model) == 3
    assert set(read_model.rows) == {h[0].contract_id for h in histories}


def test_only_signed_activated_and_terminated_are_published_with_the_stored_id(store) -> None:  # noqa: ANN001
    history, bus = _lifecycle(store), InMemoryPublisher()
    assert [publish(event, bus) for event in history] == [False, False, True, True, True]
    assert [e.name for e in bus.published] == ["ContractSigned", "ContractActivated", "ContractTerminated"]
    assert [e.event_id for e in bus.published] == [e.event_id for e in history[2:]]
    signed, _, terminated = bus.published
    assert signed.data == {
        "partner_id": history[0].partner_id,
        "contract_id": history[0].contract_id,
        "contract_type": "PREMIUM",
    }
    assert terminated.data["reason"] == "ended"
    assert integration_event(history[2]) == integration_event(history[2])  # a redelivery: the same event


def test_a_bus_that_refuses_fails_the_record_so_it_is_retried(store) -> None:  # noqa: ANN001
    history, bus = _lifecycle(store), InMemoryPublisher()
    bus.failing = True
    with pytest.raises(PublishError):
        publish(history[3], bus)
    assert bus.published == []
