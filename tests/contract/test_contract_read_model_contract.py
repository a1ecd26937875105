"""The ContractReadModel port's contract, on the in-memory fake and DynamoDB alike: a row moves one version at
a time and a redelivery moves nothing; a gap is repaired from the stored history; lists page once each with
the status filter; a rebuild overwrites every row, deletes unknown ones, and keeps a row the projector
moved past the fold meanwhile unless that row claims a version the store does not have."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from paged import every_page
from fakes.onboarding import InMemoryContractReadModel
from hexa_shared.clock import new_id, now_iso
from onboarding.application.ports import ContractReadModel
from onboarding.domain.contract import Contract, ContractStatus, ContractType
from onboarding.domain.events import ContractEvent


def _history(partner_id: str | None = None, steps: int = 4) -> list[ContractEvent]:
    contract = Contract.draft(
        contract_id=new_id(),
        partner_id=partner_id or new_id(),
        contract_type=ContractType.PREMIUM,
        terms={"fee": "1.00"},
        now=now_iso(),
    )
    moves = [
        lambda c: c.submit(now_iso()),
        lambda c: c.sign("Ana", now_iso()),
        lambda c: c.activate(now_iso()),
        lambda c: c.terminate("done", now_iso()),
    ]
    for move in moves[: steps - 1]:
        contract = move(contract)
    return list(contract.pending)


def _never() -> list[ContractEvent]:
    raise AssertionError("the history is only read to repair a gap")


class ContractReadModelContract:
    read_model: ContractReadModel

    def _projected(self, history: list[ContractEvent]) -> Contract:
        for event in history:
            assert self.read_model.project(event, _never)
        row = self.read_model.get(history[0].contract_id)
        assert row is not None
        return row

    def test_each_event_moves_the_row_one_version_and_a_redelivery_moves_nothing(self) -> None:
        history = _history()
        row = self._projected(history)
        assert row.to_dict() == Contract.from_history(history).to_dict()
        assert (row.status, row.version, row.signed_by) == (ContractStatus.ACTIVE, 4, "Ana")
        for event in history:  # every one delivered again
            assert self.read_model.project(event, _never) is False
        assert self.read_model.get(history[0].contract_id) == row

    def test_a_gap_is_repaired_from_the_stored_history(self) -> None:
        history = _history(steps=4)
        self.read_model.project(history[0], _never)
        assert self.read_model.project(history[3], lambda: history) is True  # versions 2 and 3 skipped
        row = self.read_model.get(history[0].contract_id)
        assert row is not None and row.to_dict() == Contract.from_history(history).to_dict()

    def test_a_first_event_that_is_not_version_1_is_folded_from_history_too(self) -> None:
        history = _history(steps=3)
        assert self.read_model.project(history[2], lambda: history) is True
        assert self.read_model.get(history[0].contract_id).version == 3  # type: ignore[union-attr]

    def test_an_unknown_contract_is_none(self) -> None:
        assert self.read_model.get(new_id()) is None

    def test_a_partners_contracts_page_once_each_with_the_status_filter(self) -> None:
        partner_id = new_id()
        active = {self._projected(_history(partner_id, steps=4)).contract_id for _ in range(5)}
        self._projected(_history(partner_id, steps=2))  # pending signature
        self._projected(_history(steps=4))  # another partner's
        listed = every_page(
            lambda t: self.read_model.list_for_partner(partner_id, ContractStatus.ACTIVE, 2, t), 2
        )
        assert all(c.partner_id == partner_id and c.status is ContractStatus.ACTIVE for c in listed)
        assert sorted(c.contract_id for c in listed) == sorted(active)
        everything, _ = self.read_model.list_for_partner(partner_id, None, 50, None)
        assert len(everything) == 6

    def test_every_partners_contracts_page_once_each(self) -> None:
        ours = {self._projected(_history()).contract_id for _ in range(4)}
        seen = [c.contract_id for c in every_page(lambda t: self.read_model.list_all(None, 3, t), 3)]
        assert len(seen) == len(set(seen)) and ours <= set(seen)

    def test_a_rebuild_overwrites_deletes_and_keeps_what_the_projector_moved_meanwhile(self) -> None:
        behind, unknown, ahead, corrupt = _history(), _history(), _history(), _history(steps=2)
        stored = {h[0].contract_id: h for h in (behind, ahead, corrupt)}
        self._projected(behind[:2])  # the projector had not caught up
        self._projected(unknown)  # a row whose contract the store does not have
        self._projected(ahead)  # the projector stored version 4 after the rebuild read version 3
        self._projected(corrupt)
        self.read_model.project(replace(corrupt[-1], version=3), _never)  # claims a version never stored
        fold = [
            Contract.from_history(behind),
            Contract.from_history(ahead[:3]),
            Contract.from_history(corrupt),
        ]

        assert self.read_model.replace_all(fold, lambda contract_id: stored[contract_id]) == 3

        assert self.read_model.get(unknown[0].contract_id) is None
        versions = {cid: self.read_model.get(cid).version for cid in stored}  # type: ignore[union-attr]
        assert versions == {behind[0].contract_id: 4, ahead[0].contract_id: 4, corrupt[0].contract_id: 2}
        row = self.read_model.get(behind[0].contract_id)
        assert row is not None and row.to_dict() == Contract.from_history(behind).to_dict()


class TestInMemoryContractReadModel(ContractReadModelContract):
    @pytest.fixture(autouse=True)
    def _read_model(self) -> None:
        self.read_model = InMemoryContractReadModel()


class TestDynamoContractReadModel(ContractReadModelContract):
    """On a table of its own, made from the template's ContractsTable: a rebuild deletes unknown rows."""

    @pytest.fixture(autouse=True)
    def _read_model(self, cloud) -> Iterator[None]:  # noqa: ANN001 - the running local cloud
        from hexa_infra.local.provision_dynamodb import _table_args
        from hexa_shared.aws import client
        from onboarding.adapters.read_model import DynamoContractReadModel
        from sam_template import load_template

        props = dict(load_template()["Resources"]["ContractsTable"]["Properties"])
        props.pop("StreamSpecification", None)
        name = f"contract-read-model-{new_id()[:8]}"
        dynamodb = client("dynamodb")
        dynamodb.create_table(**_table_args(name, props))
        self.read_model = DynamoContractReadModel(name)
        yield
        dynamodb.delete_table(TableName=name)
