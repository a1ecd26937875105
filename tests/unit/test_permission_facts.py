"""Permissions are a pure function of sticky contract facts: any arrival order gives the same answer."""

from __future__ import annotations

import itertools
from decimal import Decimal

from campaign_management.domain.permissions import ContractFacts, PartnerStanding, effective_permission
from partner_management.domain.partner import Partner, PartnerType

ACTIVATE_A, TERMINATE_A, ACTIVATE_B, DEACTIVATE = "activate A", "terminate A", "activate B", "deactivate"
REGISTER = "register"
REGISTERED = PartnerStanding(registered=True)


def fold(events: tuple[str, ...], registered: bool = True) -> tuple[bool, str, str | None]:
    """``registered``: the partner's registration is among the facts (in any position of ``events``)."""
    facts = {"A": ContractFacts("A"), "B": ContractFacts("B")}
    standing = PartnerStanding(registered=registered)
    for event in events:  # the same sticky, commutative updates the store performs
        if event == ACTIVATE_A:
            facts["A"] = ContractFacts("A", "PREMIUM", True, facts["A"].terminated)
        elif event == TERMINATE_A:
            facts["A"] = ContractFacts("A", facts["A"].contract_type, facts["A"].activated, True)
        elif event == ACTIVATE_B:
            facts["B"] = ContractFacts("B", "STANDARD", True, facts["B"].terminated)
        elif event == REGISTER:
            standing = PartnerStanding(True, standing.deactivated)
        else:
            standing = PartnerStanding(standing.registered, True)
    p = effective_permission("p", list(facts.values()), standing)
    return p.can_create_campaigns, str(p.max_budget_limit), p.contract_id


def test_every_order_of_activate_and_terminate_ends_revoked() -> None:
    for order in itertools.permutations([ACTIVATE_A, TERMINATE_A, ACTIVATE_A]):  # with a redelivery
        assert fold(order) == (False, "0.00", None), order


def test_every_order_with_a_second_contract_ends_on_the_surviving_one() -> None:
    results = {fold(order) for order in itertools.permutations([ACTIVATE_A, TERMINATE_A, ACTIVATE_B])}
    assert results == {(True, "10000.00", "B")}


def test_deactivation_wins_in_any_order() -> None:
    results = {fold(order) for order in itertools.permutations([ACTIVATE_A, ACTIVATE_B, DEACTIVATE])}
    assert results == {(False, "0.00", None)}


def test_highest_limit_wins() -> None:
    facts = [
        ContractFacts("s", "STANDARD", True),
        ContractFacts("e", "ENTERPRISE", True),
        ContractFacts("p", "PREMIUM", True),
    ]
    assert effective_permission("x", facts, REGISTERED).max_budget_limit == Decimal("250000.00")


def test_an_unknown_partner_gets_nothing_until_its_registration_arrives_in_any_order() -> None:
    """Issue 12 #3: a ContractActivated for a partner that does not exist granted permissions."""
    assert fold((ACTIVATE_A,), registered=False) == (False, "0.00", None)
    results = {
        fold(order, registered=False) for order in itertools.permutations([ACTIVATE_A, REGISTER, ACTIVATE_A])
    }
    assert results == {(True, "50000.00", "A")}
    results = {
        fold(order, registered=False) for order in itertools.permutations([ACTIVATE_A, REGISTER, DEACTIVATE])
    }
    assert results == {(False, "0.00", None)}


def test_commission_rate_in_force_at_a_moment() -> None:
    partner = Partner.register(
        partner_id="p",
        name="A",
        email="a@a.example",
        partner_type=PartnerType.AGENCY,
        country="ES",
        now="2026-01-01T00:00:00.000Z",
        commission_rate=Decimal("0.10"),
    )
    changed = partner.update({"commission_rate": Decimal("0.20")}, "2026-06-01T00:00:00.000Z")
    assert changed.commission_rate_at("2026-03-01T00:00:00.000Z") == Decimal("0.10")
    assert changed.commission_rate_at("2026-06-01T00:00:00.000Z") == Decimal("0.20")
    assert changed.commission_rate_at("2025-12-31T00:00:00.000Z") == Decimal("0.10")
    assert (
        changed.update({"name": "B"}, "2026-07-01T00:00:00.000Z").commission_history
        == changed.commission_history
    )
