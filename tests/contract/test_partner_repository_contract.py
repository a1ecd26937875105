"""The PartnerRepository port's contract, run against the in-memory fake and the DynamoDB adapter alike.

One suite, subclassed per adapter (as eventsourcing subclasses its persistence test case): the fake the
use-case tests rely on is proven to behave as the real repository does — the email is unique and a
duplicate writes nothing, a stale version is a Conflict that writes nothing, every event is recorded with
its write, and paging returns each partner once.
"""

from __future__ import annotations

import os

import pytest

from paged import every_page
from support import outbox_holds
from fakes.partner_management import InMemoryPartnerRepository
from hexa_shared.clock import new_id, now_iso
from hexa_shared.errors import Conflict
from partner_management.application.events import partner_deactivated, partner_registration_completed
from partner_management.application.ports import DuplicateEmail, PartnerRepository
from partner_management.domain.partner import Partner, PartnerStatus, PartnerType


def _partner(email: str | None = None, partner_type: PartnerType = PartnerType.INFLUENCER) -> Partner:
    pid = new_id()
    return Partner.register(
        partner_id=pid,
        name="Contract Co",
        email=email or f"{pid}@contract.example",
        partner_type=partner_type,
        country="ES",
        now=now_iso(),
    )


class PartnerRepositoryContract:
    """Subclasses provide ``repository`` and ``recorded(event_id)`` (is the event in the outbox?)."""

    repository: PartnerRepository

    def recorded(self, event_id: str) -> bool:
        raise NotImplementedError

    def _add(self, partner: Partner) -> str:
        event = partner_registration_completed(partner, "contract")
        self.repository.add(partner, event)
        return event.event_id

    def test_an_added_partner_reads_back_at_version_1_with_its_event_recorded(self) -> None:
        partner = _partner()
        event_id = self._add(partner)
        stored = self.repository.get(partner.partner_id)
        assert stored is not None and stored.version == 1
        assert stored.to_dict() == partner.to_dict()
        assert self.recorded(event_id)

    def test_a_duplicate_email_is_refused_and_nothing_of_it_is_written(self) -> None:
        first = _partner()
        self._add(first)
        second = _partner(email=first.email)
        event = partner_registration_completed(second, "contract")
        with pytest.raises(DuplicateEmail):
            self.repository.add(second, event)
        assert self.repository.get(second.partner_id) is None
        assert not self.recorded(event.event_id)

    def test_a_save_moves_the_version_and_records_its_event(self) -> None:
        partner = _partner()
        self._add(partner)
        loaded = self.repository.get(partner.partner_id)
        deactivated = loaded.deactivate(now_iso())
        event = partner_deactivated(deactivated, "contract")
        saved = self.repository.save(deactivated, event)
        assert saved.version == 2 and saved.status is PartnerStatus.DEACTIVATED
        assert self.repository.get(partner.partner_id) == saved
        assert self.recorded(event.event_id)

    def test_a_save_over_a_stale_read_is_a_conflict_and_writes_nothing(self) -> None:
        partner = _partner()
        self._add(partner)
        stale = self.repository.get(partner.partner_id)
        self.repository.save(stale.update({"name": "First"}, now_iso()))
        late = stale.deactivate(now_iso())
        event = partner_deactivated(late, "contract")
        with pytest.raises(Conflict):
            self.repository.save(late, event)
        current = self.repository.get(partner.partner_id)
        assert (current.name, current.status, current.version) == ("First", PartnerStatus.ACTIVE, 2)
        assert not self.recorded(event.event_id)

    def test_paging_returns_each_partner_once_and_honours_the_filters(self) -> None:
        ours = {
            self._add(p) and p.partner_id
            for p in (_partner(partner_type=PartnerType.AGENCY) for _ in range(7))
        }
        listed = every_page(lambda t: self.repository.list(PartnerStatus.ACTIVE, PartnerType.AGENCY, 3, t), 3)
        assert all(p.status is PartnerStatus.ACTIVE and p.partner_type is PartnerType.AGENCY for p in listed)
        seen = [p.partner_id for p in listed]
        assert len(seen) == len(set(seen))
        assert ours <= set(seen)

    def test_an_unknown_partner_is_none(self) -> None:
        assert self.repository.get(new_id()) is None


class TestInMemoryPartnerRepository(PartnerRepositoryContract):
    @pytest.fixture(autouse=True)
    def _repository(self) -> None:
        self.repository = InMemoryPartnerRepository()

    def recorded(self, event_id: str) -> bool:
        return any(event.event_id == event_id for event in self.repository.outbox)


class TestDynamoPartnerRepository(PartnerRepositoryContract):
    @pytest.fixture(autouse=True)
    def _repository(self, cloud) -> None:  # noqa: ANN001 - the running local cloud (its tables)
        from partner_management.bootstrap import bootstrap

        self.repository = bootstrap().repository
        self._outbox = os.environ["PARTNER_OUTBOX_TABLE"]

    def recorded(self, event_id: str) -> bool:
        return outbox_holds(self._outbox, event_id)
