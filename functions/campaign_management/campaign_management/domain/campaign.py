"""The Campaign entity: lifecycle, budget and spend rules (pure: no I/O).

    ACTIVE <--pause/resume--> PAUSED        ACTIVE|PAUSED --complete--> COMPLETED
                                            ACTIVE|PAUSED --cancel----> CANCELLED

A campaign whose spend reaches its budget is paused once (``budget_exhausted``); it can be resumed
only after its budget is raised above what it has spent.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import Enum

from hexa_shared.errors import Conflict, FieldIssue, InvalidInput
from hexa_shared.money import money


class CampaignStatus(str, Enum):
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


OPEN = frozenset({CampaignStatus.ACTIVE, CampaignStatus.PAUSED})  # their budgets count against the limit


class IllegalTransition(Conflict):
    code = "illegal_transition"


def check_dates(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput(
            "end_date is before start_date", [FieldIssue("end_date", "must not be before start_date")]
        )


@dataclass(frozen=True)
class Campaign:
    campaign_id: str
    partner_id: str
    name: str
    description: str
    budget: Decimal
    status: CampaignStatus
    start_date: date
    end_date: date
    spent: Decimal
    created_at: str
    updated_at: str
    budget_exhausted: bool = False
    version: int = 0

    @classmethod
    def create(
        cls,
        *,
        campaign_id: str,
        partner_id: str,
        name: str,
        description: str,
        budget: Decimal,
        start_date: date,
        end_date: date,
        now: str,
    ) -> "Campaign":
        check_dates(start_date, end_date)
        return cls(
            campaign_id=campaign_id,
            partner_id=partner_id,
            name=name,
            description=description,
            budget=budget,
            status=CampaignStatus.ACTIVE,
            start_date=start_date,
            end_date=end_date,
            spent=Decimal("0.00"),
            created_at=now,
            updated_at=now,
        )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def committed_budget(self) -> Decimal:
        """What this campaign holds of the partner's limit (open campaigns only)."""
        return self.budget if self.is_open else Decimal("0")

    # ------------------------------------------------------------------ edits and lifecycle
    def edit(
        self,
        *,
        name: str | None,
        description: str | None,
        budget: Decimal | None,
        start_date: date | None,
        end_date: date | None,
        now: str,
    ) -> "Campaign":
        if not self.is_open:
            raise IllegalTransition(f"a {self.status.value} campaign cannot be edited")
        start, end = start_date or self.start_date, end_date or self.end_date
        check_dates(start, end)
        new_budget = self.budget if budget is None else budget
        if new_budget < self.spent:
            raise InvalidInput(
                f"budget below what was already spent ({money(self.spent)})",
                [FieldIssue("budget", f"must be at least the amount spent, {money(self.spent)}")],
            )
        changed = replace(
            self,
            name=name or self.name,
            description=self.description if description is None else description,
            budget=new_budget,
            start_date=start,
            end_date=end,
            updated_at=now,
        )
        return replace(changed, budget_exhausted=changed.spent >= changed.budget)

    def pause(self, now: str) -> "Campaign":
        self._require({CampaignStatus.ACTIVE}, "pause")
        return replace(self, status=CampaignStatus.PAUSED, updated_at=now)

    def resume(self, now: str) -> "Campaign":
        self._require({CampaignStatus.PAUSED}, "resume")
        if self.spent >= self.budget:
            raise IllegalTransition("budget exhausted: raise the budget before resuming")
        return replace(self, status=CampaignStatus.ACTIVE, updated_at=now)

    def complete(self, now: str) -> "Campaign":
        self._require(OPEN, "complete")
        return replace(self, status=CampaignStatus.COMPLETED, updated_at=now)

    def cancel(self, now: str) -> "Campaign":
        self._require(OPEN, "cancel")
        return replace(self, status=CampaignStatus.CANCELLED, updated_at=now)

    def record_spend_change(self, delta: Decimal, now: str) -> tuple["Campaign", bool]:
        """Apply a day's spend correction; returns (campaign, just_exhausted).

        Reaching the budget pauses an ACTIVE campaign and is reported once; a correction that
        brings spend back under the budget re-arms the report."""
        spent = self.spent + delta
        exhausted = spent >= self.budget
        just_exhausted = exhausted and not self.budget_exhausted
        status = (
            CampaignStatus.PAUSED if just_exhausted and self.status is CampaignStatus.ACTIVE else self.status
        )
        return replace(
            self, spent=spent, budget_exhausted=exhausted, status=status, updated_at=now
        ), just_exhausted

    def _require(self, allowed: frozenset[CampaignStatus] | set[CampaignStatus], action: str) -> None:
        if self.status not in allowed:
            raise IllegalTransition(f"cannot {action} a {self.status.value} campaign")

    def to_dict(self) -> dict[str, object]:
        return {
            "campaign_id": self.campaign_id,
            "partner_id": self.partner_id,
            "name": self.name,
            "description": self.description,
            "budget": money(self.budget),
            "status": self.status.value,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "spent": money(self.spent),
            "budget_exhausted": self.budget_exhausted,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }
