"""Who may run campaigns, derived from contract facts — whatever order those facts arrive in.

Each fact is sticky and commutative: a contract once activated stays "was activated", once
terminated stays terminated (TERMINATED is final in Onboarding), a registered partner stays
registered, a deactivated one stays deactivated. The permission is a pure function of the facts, so
a ContractTerminated processed before its ContractActivated (retries, redeliveries) still leaves the
partner without permission, and a ContractActivated for a partner whose registration has not arrived
— or never will: the partner does not exist — grants nothing until (unless) it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hexa_shared.money import money

LIMITS = {"STANDARD": Decimal("10000.00"), "PREMIUM": Decimal("50000.00"), "ENTERPRISE": Decimal("250000.00")}


@dataclass(frozen=True)
class ContractFacts:
    contract_id: str
    contract_type: str | None = None
    activated: bool = False
    terminated: bool = False

    @property
    def grants(self) -> bool:
        return self.activated and not self.terminated and self.contract_type in LIMITS


@dataclass(frozen=True)
class PartnerStanding:
    """What Partner Management's events said of the partner itself."""

    registered: bool = False
    deactivated: bool = False


@dataclass(frozen=True)
class Permission:
    partner_id: str
    can_create_campaigns: bool
    max_budget_limit: Decimal
    contract_id: str | None

    def to_dict(self) -> dict[str, object]:
        return {
            "partner_id": self.partner_id,
            "can_create_campaigns": self.can_create_campaigns,
            "max_budget_limit": money(self.max_budget_limit),
            "contract_id": self.contract_id,
        }


def effective_permission(
    partner_id: str, contracts: list[ContractFacts], partner: PartnerStanding
) -> Permission:
    """Only a registered, active partner has one; the best contract that grants wins (highest limit,
    then the smallest id for determinism)."""
    in_good_standing = partner.registered and not partner.deactivated
    granting = [c for c in contracts if c.grants] if in_good_standing else []
    if not granting:
        return Permission(partner_id, False, Decimal("0.00"), None)
    best = min(granting, key=lambda c: (-LIMITS[c.contract_type or ""], c.contract_id))
    return Permission(partner_id, True, LIMITS[best.contract_type or ""], best.contract_id)
