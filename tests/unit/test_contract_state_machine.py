"""Every legal and illegal transition of the Contract aggregate, and its event-sourced replay."""

from __future__ import annotations

import itertools

import pytest

from onboarding.domain.contract import Contract, ContractStatus, ContractType, IllegalTransition

NOW = "2026-11-27T10:00:00.000Z"
PARTNER = "8b6f8f4e-3c1e-4c59-9d8e-0f6c3f6d2a11"

COMMANDS = {
    "amend_terms": lambda c: c.amend_terms({"fee": "100.00"}, NOW),
    "submit": lambda c: c.submit(NOW),
    "sign": lambda c: c.sign("Ana López", NOW),
    "activate": lambda c: c.activate(NOW),
    "terminate": lambda c: c.terminate("breach", NOW),
}
LEGAL = {  # status -> {command: resulting status}
    ContractStatus.DRAFT: {
        "amend_terms": ContractStatus.DRAFT,
        "submit": ContractStatus.PENDING_SIGNATURE,
        "terminate": ContractStatus.TERMINATED,
    },
    ContractStatus.PENDING_SIGNATURE: {"sign": ContractStatus.SIGNED, "terminate": ContractStatus.TERMINATED},
    ContractStatus.SIGNED: {"activate": ContractStatus.ACTIVE, "terminate": ContractStatus.TERMINATED},
    ContractStatus.ACTIVE: {"terminate": ContractStatus.TERMINATED},
    ContractStatus.TERMINATED: {},
}
PATH_TO = {
    ContractStatus.DRAFT: [],
    ContractStatus.PENDING_SIGNATURE: ["submit"],
    ContractStatus.SIGNED: ["submit", "sign"],
    ContractStatus.ACTIVE: ["submit", "sign", "activate"],
    ContractStatus.TERMINATED: ["terminate"],
}


def contract_in(status: ContractStatus) -> Contract:
    contract = Contract.draft(
        contract_id="c-1",
        partner_id=PARTNER,
        contract_type=ContractType.PREMIUM,
        terms={"fee": "10.00"},
        now=NOW,
    )
    for command in PATH_TO[status]:
        contract = COMMANDS[command](contract)
    assert contract.status is status
    return contract


@pytest.mark.parametrize("status,command", [(s, c) for s in ContractStatus for c in COMMANDS])
def test_each_command_in_each_status(status: ContractStatus, command: str) -> None:
    contract = contract_in(status)
    if command in LEGAL[status]:
        changed = COMMANDS[command](contract)
        assert changed.status is LEGAL[status][command]
        assert changed.version == contract.version + 1
        assert changed.pending[-1].version == changed.version
    else:
        with pytest.raises(IllegalTransition) as refused:
            COMMANDS[command](contract)
        assert refused.value.status == 409


def test_draft_records_one_event_with_the_type_and_terms() -> None:
    contract = contract_in(ContractStatus.DRAFT)
    [drafted] = contract.pending
    assert (drafted.event_type, drafted.version, drafted.partner_id, drafted.contract_type) == (
        "ContractDrafted",
        1,
        PARTNER,
        "PREMIUM",
    )
    assert contract.terms == {"fee": "10.00"} and contract.status is ContractStatus.DRAFT


def test_replaying_the_history_gives_the_same_state() -> None:
    live = contract_in(ContractStatus.ACTIVE).terminate("end of cooperation", NOW)
    replayed = Contract.from_history(live.pending)
    assert replayed.to_dict() == live.to_dict()
    assert replayed.pending == ()
    assert [e.version for e in live.pending] == [1, 2, 3, 4, 5]
    assert replayed.signed_by == "Ana López" and replayed.termination_reason == "end of cooperation"


def test_history_with_a_gap_or_duplicate_is_refused() -> None:
    events = list(contract_in(ContractStatus.SIGNED).pending)
    for broken in ([events[0], events[2]], [events[0], events[0]], events[1:]):
        with pytest.raises(ValueError):
            Contract.from_history(broken)


def test_terms_change_only_in_draft() -> None:
    amended = contract_in(ContractStatus.DRAFT).amend_terms({"fee": "12.00"}, NOW)
    assert amended.terms == {"fee": "12.00"}
    for status in set(ContractStatus) - {ContractStatus.DRAFT}:
        with pytest.raises(IllegalTransition):
            contract_in(status).amend_terms({"x": 1}, NOW)


def test_every_status_is_reachable_and_terminated_is_final() -> None:
    reachable = {ContractStatus.DRAFT}
    for status, moves in itertools.chain(LEGAL.items()):
        reachable |= set(moves.values())
    assert reachable == set(ContractStatus)
    assert LEGAL[ContractStatus.TERMINATED] == {}
