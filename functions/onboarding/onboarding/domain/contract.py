"""The Contract aggregate, event-sourced: state is the fold of its events; commands emit new ones.

    DRAFT --submit--> PENDING_SIGNATURE --sign--> SIGNED --activate--> ACTIVE
      \\________________________ terminate (any non-terminal) ________________--> TERMINATED

Terms change only in DRAFT. Every illegal command raises :class:`IllegalTransition` (HTTP 409).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, Iterable

from hexa_shared.errors import Conflict
from onboarding.domain import events as ev
from onboarding.domain.events import ContractEvent


class ContractType(str, Enum):
    STANDARD = "STANDARD"
    PREMIUM = "PREMIUM"
    ENTERPRISE = "ENTERPRISE"


class ContractStatus(str, Enum):
    DRAFT = "DRAFT"
    PENDING_SIGNATURE = "PENDING_SIGNATURE"
    SIGNED = "SIGNED"
    ACTIVE = "ACTIVE"
    TERMINATED = "TERMINATED"


OPEN_STATUSES = frozenset(s for s in ContractStatus if s is not ContractStatus.TERMINATED)


class IllegalTransition(Conflict):
    code = "illegal_transition"


@dataclass(frozen=True)
class Contract:
    contract_id: str
    partner_id: str = ""
    contract_type: ContractType = ContractType.STANDARD
    status: ContractStatus | None = None
    terms: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    created_at: str = ""
    updated_at: str = ""
    signed_by: str | None = None
    termination_reason: str | None = None
    pending: tuple[ContractEvent, ...] = ()

    # ------------------------------------------------------------------ rebuilding
    @classmethod
    def from_history(cls, history: Iterable[ContractEvent]) -> "Contract":
        contract: Contract | None = None
        for event in history:
            contract = (contract or cls(event.contract_id)).apply(event)
        if contract is None:
            raise ValueError("a contract needs at least its ContractDrafted event")
        return contract

    def apply(self, event: ContractEvent) -> "Contract":
        """Pure state transition for one stored event (used by commands, replays and projections)."""
        if event.version != self.version + 1:
            raise ValueError(f"event version {event.version} does not follow {self.version}")
        data = event.data
        common: dict[str, Any] = {"version": event.version, "updated_at": event.occurred_at}
        if event.event_type == ev.CONTRACT_DRAFTED:
            return replace(self, partner_id=event.partner_id, contract_type=ContractType(data["contract_type"]),
                           terms=dict(data.get("terms", {})), status=ContractStatus.DRAFT,
                           created_at=event.occurred_at, **common)
        if event.event_type == ev.CONTRACT_TERMS_AMENDED:
            return replace(self, terms=dict(data["terms"]), **common)
        if event.event_type == ev.CONTRACT_SUBMITTED:
            return replace(self, status=ContractStatus.PENDING_SIGNATURE, **common)
        if event.event_type == ev.CONTRACT_SIGNED:
            return replace(self, status=ContractStatus.SIGNED, signed_by=data["signed_by"], **common)
        if event.event_type == ev.CONTRACT_ACTIVATED:
            return replace(self, status=ContractStatus.ACTIVE, **common)
        if event.event_type == ev.CONTRACT_TERMINATED:
            return replace(self, status=ContractStatus.TERMINATED, termination_reason=data["reason"], **common)
        if event.event_type in ev.FROM_MONOLITH:  # the monolith's state, as it was (migrated: version 1)
            return replace(self, partner_id=event.partner_id, contract_type=ContractType(data["contract_type"]),
                           status=ContractStatus(data["status"]), terms=dict(data["terms"]),
                           signed_by=data.get("signed_by"), termination_reason=data.get("termination_reason"),
                           created_at=data["created_at"], version=event.version, updated_at=event.occurred_at)
        raise ValueError(f"unknown contract event type {event.event_type!r}")

    def same_state_as(self, data: dict[str, Any], updated_at: str) -> bool:
        """Is this the monolith's state ``data`` (a ContractMigrated/ContractReplicated payload)?"""
        return (self.status is not None and self.status.value == data["status"]
                and self.contract_type.value == data["contract_type"] and self.terms == data["terms"]
                and self.signed_by == data.get("signed_by")
                and self.termination_reason == data.get("termination_reason") and self.updated_at == updated_at)

    # ------------------------------------------------------------------ commands
    @classmethod
    def draft(cls, *, contract_id: str, partner_id: str, contract_type: ContractType, terms: dict[str, Any],
              now: str, correlation_id: str = "") -> "Contract":
        return cls(contract_id)._record(ev.CONTRACT_DRAFTED, {"contract_type": ContractType(contract_type).value,
                                                              "terms": terms}, now, correlation_id, partner_id)

    def amend_terms(self, terms: dict[str, Any], now: str, correlation_id: str = "") -> "Contract":
        self._require({ContractStatus.DRAFT}, "amend the terms of")
        return self._record(ev.CONTRACT_TERMS_AMENDED, {"terms": terms}, now, correlation_id)

    def submit(self, now: str, correlation_id: str = "") -> "Contract":
        self._require({ContractStatus.DRAFT}, "submit")
        return self._record(ev.CONTRACT_SUBMITTED, {}, now, correlation_id)

    def sign(self, signed_by: str, now: str, correlation_id: str = "") -> "Contract":
        self._require({ContractStatus.PENDING_SIGNATURE}, "sign")
        return self._record(ev.CONTRACT_SIGNED, {"signed_by": signed_by}, now, correlation_id)

    def activate(self, now: str, correlation_id: str = "") -> "Contract":
        self._require({ContractStatus.SIGNED}, "activate")
        return self._record(ev.CONTRACT_ACTIVATED, {}, now, correlation_id)

    def terminate(self, reason: str, now: str, correlation_id: str = "") -> "Contract":
        self._require(OPEN_STATUSES, "terminate")
        return self._record(ev.CONTRACT_TERMINATED, {"reason": reason}, now, correlation_id)

    # ------------------------------------------------------------------ helpers
    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def committed_version(self) -> int:
        return self.version - len(self.pending)

    def _require(self, allowed: set[ContractStatus] | frozenset[ContractStatus], action: str) -> None:
        if self.status not in allowed:
            raise IllegalTransition(f"cannot {action} a contract in status {self.status.value if self.status else None}")

    def _record(self, event_type: str, data: dict[str, Any], now: str, correlation_id: str,
                partner_id: str | None = None) -> "Contract":
        event = ContractEvent(contract_id=self.contract_id, version=self.version + 1, event_type=event_type,
                              occurred_at=now, data=data, partner_id=partner_id or self.partner_id,
                              contract_type=data.get("contract_type", self.contract_type.value),
                              correlation_id=correlation_id)
        return replace(self.apply(event), pending=self.pending + (event,))

    def to_dict(self) -> dict[str, Any]:
        return {"contract_id": self.contract_id, "partner_id": self.partner_id,
                "contract_type": self.contract_type.value, "status": self.status.value if self.status else None,
                "terms": self.terms, "version": self.version, "created_at": self.created_at,
                "updated_at": self.updated_at, "signed_by": self.signed_by,
                "termination_reason": self.termination_reason}
