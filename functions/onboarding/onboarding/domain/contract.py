"""The Contract aggregate, event-sourced: state is the fold of its events; commands emit new ones.

    DRAFT --submit--> PENDING_SIGNATURE --sign--> SIGNED --activate--> ACTIVE
      \\________________________ terminate (any non-terminal) ________________--> TERMINATED

Terms change only in DRAFT. Every illegal command raises :class:`IllegalTransition` (HTTP 409).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, Iterable, assert_never

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
        common: dict[str, Any] = {"version": event.version, "updated_at": event.occurred_at}
        match event.payload:
            case ev.ContractDrafted(contract_type=kind, terms=terms):
                return replace(
                    self,
                    partner_id=event.partner_id,
                    contract_type=ContractType(kind),
                    terms=dict(terms),
                    status=ContractStatus.DRAFT,
                    created_at=event.occurred_at,
                    **common,
                )
            case ev.ContractTermsAmended(terms=terms):
                return replace(self, terms=dict(terms), **common)
            case ev.ContractSubmitted():
                return replace(self, status=ContractStatus.PENDING_SIGNATURE, **common)
            case ev.ContractSigned(signed_by=signed_by):
                return replace(self, status=ContractStatus.SIGNED, signed_by=signed_by, **common)
            case ev.ContractActivated():
                return replace(self, status=ContractStatus.ACTIVE, **common)
            case ev.ContractTerminated(reason=reason):
                return replace(self, status=ContractStatus.TERMINATED, termination_reason=reason, **common)
            case ev.ContractMigrated() | ev.ContractReplicated():  # the monolith's state, as it was
                state = event.payload
                return replace(
                    self,
                    partner_id=event.partner_id,
                    contract_type=ContractType(state.contract_type),
                    status=ContractStatus(state.status),
                    terms=dict(state.terms),
                    signed_by=state.signed_by,
                    termination_reason=state.termination_reason,
                    created_at=state.created_at,
                    **common,
                )
            case _ as unknown:
                assert_never(unknown)

    def same_state_as(self, state: ev.MonolithState, updated_at: str) -> bool:
        """Is this the monolith's ``state`` of the contract (a ContractMigrated/ContractReplicated
        payload)?"""
        return (
            self.status is not None
            and self.status.value == state.status
            and self.contract_type.value == state.contract_type
            and self.terms == state.terms
            and self.signed_by == state.signed_by
            and self.termination_reason == state.termination_reason
            and self.updated_at == updated_at
        )

    # ------------------------------------------------------------------ commands
    @classmethod
    def draft(
        cls,
        *,
        contract_id: str,
        partner_id: str,
        contract_type: ContractType,
        terms: dict[str, Any],
        now: str,
        correlation_id: str = "",
    ) -> "Contract":
        drafted = ev.ContractDrafted(contract_type=ContractType(contract_type).value, terms=terms)
        return cls(contract_id)._record(drafted, now, correlation_id, partner_id)

    def amend_terms(self, terms: dict[str, Any], now: str, correlation_id: str = "") -> "Contract":
        self._require({ContractStatus.DRAFT}, "amend the terms of")
        return self._record(ev.ContractTermsAmended(terms), now, correlation_id)

    def submit(self, now: str, correlation_id: str = "") -> "Contract":
        self._require({ContractStatus.DRAFT}, "submit")
        return self._record(ev.ContractSubmitted(), now, correlation_id)

    def sign(self, signed_by: str, now: str, correlation_id: str = "") -> "Contract":
        self._require({ContractStatus.PENDING_SIGNATURE}, "sign")
        return self._record(ev.ContractSigned(signed_by), now, correlation_id)

    def activate(self, now: str, correlation_id: str = "") -> "Contract":
        self._require({ContractStatus.SIGNED}, "activate")
        return self._record(ev.ContractActivated(), now, correlation_id)

    def terminate(self, reason: str, now: str, correlation_id: str = "") -> "Contract":
        self._require(OPEN_STATUSES, "terminate")
        return self._record(ev.ContractTerminated(reason), now, correlation_id)

    # ------------------------------------------------------------------ helpers
    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def committed_version(self) -> int:
        return self.version - len(self.pending)

    def _require(self, allowed: set[ContractStatus] | frozenset[ContractStatus], action: str) -> None:
        if self.status not in allowed:
            raise IllegalTransition(
                f"cannot {action} a contract in status {self.status.value if self.status else None}"
            )

    def _record(
        self, payload: ev.ContractPayload, now: str, correlation_id: str, partner_id: str | None = None
    ) -> "Contract":
        kind = payload.contract_type if isinstance(payload, ev.ContractDrafted) else self.contract_type.value
        event = ContractEvent(
            contract_id=self.contract_id,
            version=self.version + 1,
            occurred_at=now,
            payload=payload,
            partner_id=partner_id or self.partner_id,
            contract_type=kind,
            correlation_id=correlation_id,
        )
        return replace(self.apply(event), pending=self.pending + (event,))

    def to_dict(self) -> dict[str, Any]:
        return {
            "contract_id": self.contract_id,
            "partner_id": self.partner_id,
            "contract_type": self.contract_type.value,
            "status": self.status.value if self.status else None,
            "terms": self.terms,
            "version": self.version,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "signed_by": self.signed_by,
            "termination_reason": self.termination_reason,
        }
