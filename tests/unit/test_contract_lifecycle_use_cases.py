"""A contract's whole life through the use cases, on the fakes: who may take each step, an illegal step is
a 409 that appends nothing, and the read side (the read model, the history) shows a partner only its own."""

from __future__ import annotations

import pytest

from fakes.onboarding import InMemoryContractReadModel, InMemoryEventStore, InMemoryKnownPartners
from hexa_shared.auth import Principal
from hexa_shared.clock import new_id
from hexa_shared.errors import Forbidden, NotFound
from onboarding.application.change_contract import (
    activate,
    amend_terms,
    create_contract,
    sign,
    submit,
    terminate,
)
from onboarding.application.commands import AmendTerms, CreateContract, ListContracts, SignContract
from onboarding.application.commands import TerminateContract
from onboarding.application.projections import project
from onboarding.application.queries import contract_history, get_contract, list_contracts
from onboarding.domain.contract import ContractStatus, IllegalTransition

ADMIN = Principal("admin", "admin")


PARTNERS = InMemoryKnownPartners()  # registrations only ever add: one for the module is enough


@pytest.fixture
def store() -> InMemoryEventStore:
    return InMemoryEventStore(PARTNERS)


def _drafted(store: InMemoryEventStore) -> tuple[str, Principal]:
    partner_id = new_id()
    PARTNERS.record_registered(partner_id)
    command = CreateContract(partner_id=partner_id, contract_type="PREMIUM", terms={"fee": "1.00"})
    contract = create_contract(command, store, ADMIN, "corr")
    return contract.contract_id, Principal(partner_id, "partner", partner_id)


def test_the_admin_drives_the_contract_and_the_partner_signs_its_own(store) -> None:  # noqa: ANN001
    contract_id, partner = _drafted(store)
    amend_terms(contract_id, AmendTerms(terms={"fee": "2.00"}), store, ADMIN, 1, "corr")
    submit(contract_id, store, ADMIN, None, "corr")
    with pytest.raises(Forbidden):
        activate(contract_id, store, partner, None, "corr")
    signed = sign(contract_id, SignContract(signed_by="Ana"), store, partner, 3, "corr")
    assert (signed.status, signed.signed_by, signed.terms) == (ContractStatus.SIGNED, "Ana", {"fee": "2.00"})
    active = activate(contract_id, store, ADMIN, None, "corr")
    ended = terminate(contract_id, TerminateContract(reason="breach"), store, ADMIN, active.version, "corr")
    assert (ended.status, ended.version) == (ContractStatus.TERMINATED, 6)
    assert [e.event_type for e in store.load(contract_id)] == [
        "ContractDrafted",
        "ContractTermsAmended",
        "ContractSubmitted",
        "ContractSigned",
        "ContractActivated",
        "ContractTerminated",
    ]


def test_an_illegal_step_is_a_409_and_appends_nothing(store) -> None:  # noqa: ANN001
    contract_id, _ = _drafted(store)
    with pytest.raises(IllegalTransition):
        activate(contract_id, store, ADMIN, None, "corr")  # a DRAFT cannot be activated
    submit(contract_id, store, ADMIN, None, "corr")
    with pytest.raises(IllegalTransition):
        amend_terms(contract_id, AmendTerms(terms={}), store, ADMIN, None, "corr")  # terms only in DRAFT
    assert len(store.load(contract_id)) == 2


def test_another_partner_cannot_sign_nor_read_it(store) -> None:  # noqa: ANN001
    contract_id, _ = _drafted(store)
    submit(contract_id, store, ADMIN, None, "corr")
    stranger = Principal(new_id(), "partner", new_id())
    with pytest.raises(NotFound):
        sign(contract_id, SignContract(signed_by="Eve"), store, stranger, None, "corr")
    with pytest.raises(NotFound):
        contract_history(contract_id, store, stranger)
    assert len(store.load(contract_id)) == 2


def test_the_read_side_shows_a_partner_its_own_contracts_only(store) -> None:  # noqa: ANN001
    read_model = InMemoryContractReadModel()
    mine, me = _drafted(store)
    theirs, them = _drafted(store)
    for event in store.all_events():
        project(event, read_model, store)
    assert get_contract(mine, read_model, me).contract_id == mine
    with pytest.raises(NotFound):
        get_contract(theirs, read_model, me)
    assert [c.contract_id for c in list_contracts(ListContracts(), read_model, me)[0]] == [mine]
    assert list_contracts(ListContracts(partner_id=them.partner_id), read_model, me) == ([], None)
    assert {c.contract_id for c in list_contracts(ListContracts(), read_model, ADMIN)[0]} == {mine, theirs}
    assert [e.version for e in contract_history(mine, store, me)] == [1]
