"""Partner Management's use cases on the in-memory repository (tests/fakes, proven by tests/contract)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fakes.partner_management import InMemoryPartnerRepository
from hexa_shared.auth import Principal
from hexa_shared.errors import Conflict, NotFound
from hexa_shared.events.envelope import IntegrationEvent
from partner_management.application.commands import ListPartners, RegisterPartner, UpdatePartner
from partner_management.application.ports import DuplicateEmail
from partner_management.application.queries import list_partners
from partner_management.application.register_partner import register_partner
from partner_management.application.update_partner import deactivate_partner, update_partner
from partner_management.domain.partner import PartnerStatus

ADMIN = Principal("admin", "admin")


def _register(repository: InMemoryPartnerRepository, email: str = "hi@acme.example"):  # noqa: ANN202
    command = RegisterPartner(name="Acme", email=email, partner_type="COMPANY", country="ES")
    return register_partner(command, repository, ADMIN, "corr")


def test_registering_announces_the_partner_and_a_second_email_is_a_409() -> None:
    repository = InMemoryPartnerRepository()
    partner = _register(repository)
    assert [e.name for e in repository.outbox] == ["PartnerRegistrationCompleted"]
    assert repository.outbox[0].data["partner_id"] == partner.partner_id
    with pytest.raises(DuplicateEmail):
        _register(repository, email="HI@acme.example")  # emails are compared normalised
    assert len(repository.partners) == 1 and len(repository.outbox) == 1


def test_a_partner_edits_itself_and_another_partner_does_not_exist_for_it() -> None:
    repository = InMemoryPartnerRepository()
    mine, theirs = _register(repository), _register(repository, "other@acme.example")
    me = Principal(mine.partner_id, "partner", mine.partner_id)
    assert update_partner(mine.partner_id, UpdatePartner(name="Acme Two"), repository, me).name == "Acme Two"
    with pytest.raises(NotFound):
        update_partner(theirs.partner_id, UpdatePartner(name="hijack"), repository, me)
    assert repository.get(theirs.partner_id).name == "Acme"


def test_deactivating_twice_is_a_conflict_and_announces_once() -> None:
    repository = InMemoryPartnerRepository()
    partner = _register(repository)
    assert (
        deactivate_partner(partner.partner_id, repository, ADMIN, "corr").status is PartnerStatus.DEACTIVATED
    )
    with pytest.raises(Conflict):
        deactivate_partner(partner.partner_id, repository, ADMIN, "corr")
    assert [e.name for e in repository.outbox] == ["PartnerRegistrationCompleted", "PartnerDeactivated"]


def test_a_partner_lists_only_itself() -> None:
    repository = InMemoryPartnerRepository()
    mine = _register(repository)
    _register(repository, "other@acme.example")
    me = Principal(mine.partner_id, "partner", mine.partner_id)
    assert [p.partner_id for p in list_partners(ListPartners(), repository, me)[0]] == [mine.partner_id]
    assert len(list_partners(ListPartners(), repository, ADMIN)[0]) == 2


def test_only_an_administrator_registers_or_deactivates_and_a_refusal_touches_nothing() -> None:
    from hexa_shared.errors import Forbidden

    class Untouchable:
        def __getattr__(self, name: str) -> object:
            raise AssertionError(f"the use case used the repository ({name}) before deciding")

    partner = Principal("p-1", "partner", "p-1")
    command = RegisterPartner(name="Acme", email="hi@acme.example", partner_type="COMPANY", country="ES")
    with pytest.raises(Forbidden):
        register_partner(command, Untouchable(), partner, "corr")
    with pytest.raises(Forbidden):
        deactivate_partner("p-1", Untouchable(), partner, "corr")


def _performance(partner_id: str, revenue: str, occurred_at: str) -> IntegrationEvent:
    return IntegrationEvent(
        name="CampaignPerformanceRecorded",
        source="hexabuilders.campaign-management",
        correlation_id="unit",
        occurred_at=occurred_at,
        data={
            "partner_id": partner_id,
            "campaign_id": "c-1",
            "date": "2026-03-01",
            "metrics": {"revenue": revenue},
        },
    )


def test_commission_corrections_replace_the_day_and_an_older_redelivery_changes_nothing() -> None:
    from fakes.partner_management import InMemoryCommissionLedger
    from partner_management.application.commissions import (
        CommissionQuery,
        commission_statement,
        record_commission,
    )

    repository, ledger = InMemoryPartnerRepository(), InMemoryCommissionLedger()
    partner = _register(repository)  # 0.10 from its registration on
    record_commission(_performance(partner.partner_id, "100.00", "2099-01-01T00:00:00Z"), repository, ledger)
    record_commission(_performance(partner.partner_id, "250.00", "2099-01-02T00:00:00Z"), repository, ledger)
    record_commission(_performance(partner.partner_id, "100.00", "2099-01-01T00:00:00Z"), repository, ledger)
    statement = commission_statement(partner.partner_id, CommissionQuery(), repository, ledger, ADMIN)
    assert [line["revenue"] for line in statement["items"]] == ["250.00"]
    assert statement["total"] == "25.00"


def test_a_commission_uses_the_rate_in_force_when_the_revenue_was_earned() -> None:
    from fakes.partner_management import InMemoryCommissionLedger
    from partner_management.application.commissions import record_commission

    repository, ledger = InMemoryPartnerRepository(), InMemoryCommissionLedger()
    partner = _register(repository)
    update_partner(partner.partner_id, UpdatePartner(commission_rate="0.20"), repository, ADMIN)
    # revenue earned before the change (here: before registration, which takes the first rate) and after it
    before = record_commission(
        _performance(partner.partner_id, "100.00", "2000-01-01T00:00:00Z"), repository, ledger
    )
    after = record_commission(
        _performance(partner.partner_id, "100.00", "2099-01-01T00:00:00Z"), repository, ledger
    )
    assert (before.commission_rate, after.commission_rate) == (Decimal("0.10"), Decimal("0.20"))


def test_performance_for_a_partner_nobody_knows_is_retried_not_swallowed() -> None:
    from fakes.partner_management import InMemoryCommissionLedger
    from partner_management.application.commissions import record_commission

    with pytest.raises(LookupError):
        record_commission(
            _performance("nobody", "1.00", "2099-01-01T00:00:00Z"),
            InMemoryPartnerRepository(),
            InMemoryCommissionLedger(),
        )
