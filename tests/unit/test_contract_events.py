"""Each contract fact is its own frozen dataclass; the stored name + fields come back as the same payload."""

from __future__ import annotations

import dataclasses

import pytest

from onboarding.domain import events as ev
from onboarding.domain.contract import Contract, ContractStatus


def _stored(event: ev.ContractEvent) -> ev.ContractEvent:
    """What a store does: keep the type's name and the fields, then read them back."""
    envelope = {f.name: getattr(event, f.name) for f in dataclasses.fields(event) if f.name != "payload"}
    return ev.ContractEvent.stored(event_type=event.event_type, data=event.data, **envelope)


def _life() -> Contract:
    drafted = Contract.draft(
        contract_id="c-1",
        partner_id="p-1",
        contract_type="PREMIUM",
        terms={"fee": "10.00"},
        now="2026-01-01T00:00:00Z",
    )
    return (
        drafted.amend_terms({"fee": "12.00"}, "2026-01-02T00:00:00Z")
        .submit("2026-01-03T00:00:00Z")
        .sign("Ana", "2026-01-04T00:00:00Z")
        .activate("2026-01-05T00:00:00Z")
        .terminate("breach", "2026-01-06T00:00:00Z")
    )


def test_every_command_records_its_own_event_class() -> None:
    kinds = [type(e.payload) for e in _life().pending]
    assert kinds == [
        ev.ContractDrafted,
        ev.ContractTermsAmended,
        ev.ContractSubmitted,
        ev.ContractSigned,
        ev.ContractActivated,
        ev.ContractTerminated,
    ]
    assert [e.event_type for e in _life().pending] == [k.__name__ for k in kinds]


def test_a_stored_history_folds_to_the_same_contract() -> None:
    contract = _life()
    stored = [_stored(e) for e in contract.pending]
    assert stored == list(contract.pending)
    assert Contract.from_history(stored).to_dict() == contract.to_dict()
    assert contract.status is ContractStatus.TERMINATED and contract.termination_reason == "breach"


def test_the_public_view_keeps_the_documented_data() -> None:
    views = [e.public_view()["data"] for e in _life().pending]
    assert views == [
        {"contract_type": "PREMIUM", "terms": {"fee": "10.00"}},
        {"terms": {"fee": "12.00"}},
        {},
        {"signed_by": "Ana"},
        {},
        {"reason": "breach"},
    ]


def test_payloads_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        ev.ContractSigned("Ana").signed_by = "Eve"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("event_type", "data", "problem"),
    [
        ("ContractRenamed", {}, "unknown contract event type 'ContractRenamed'"),
        ("ContractSigned", {"signed_by": "Ana", "stamp": "x"}, "ContractSigned has no field stamp"),
        ("ContractTerminated", {}, "ContractTerminated: "),
    ],
)
def test_a_stored_event_that_is_not_a_known_fact_is_refused(
    event_type: str, data: dict, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        ev.payload_from(event_type, data)


def test_an_older_migrated_event_without_the_optional_fields_still_loads() -> None:
    state = ev.payload_from(
        "ContractMigrated",
        {
            "contract_type": "STANDARD",
            "status": "SIGNED",
            "terms": {},
            "created_at": "2025-01-01T00:00:00Z",
            "signed_by": "Ana",
        },
    )
    assert isinstance(state, ev.ContractMigrated) and state.activated_at is None and state.legacy_id is None
    event = ev.ContractEvent(
        contract_id="c-9",
        version=1,
        occurred_at="2025-02-01T00:00:00Z",
        payload=state,
        partner_id="p-9",
        contract_type="STANDARD",
    )
    contract = Contract.from_history([event])
    assert (contract.status, contract.signed_by, contract.created_at) == (
        ContractStatus.SIGNED,
        "Ana",
        "2025-01-01T00:00:00Z",
    )
    assert event.from_monolith and not _life().pending[0].from_monolith


def test_reading_back_a_stored_event_of_no_known_kind_names_it() -> None:
    with pytest.raises(
        ValueError, match="stored event of contract c-7 version 3: unknown contract event type"
    ):
        ev.ContractEvent.stored(
            event_type="ContractRenamed",
            data={},
            contract_id="c-7",
            version=3,
            occurred_at="2026-01-01T00:00:00Z",
            partner_id="p-7",
            contract_type="STANDARD",
        )
