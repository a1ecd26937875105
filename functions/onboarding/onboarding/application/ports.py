"""What the Onboarding use cases need from the outside world."""
from __future__ import annotations

from typing import Any, Protocol

from hexa_shared.errors import Conflict
from onboarding.domain.contract import Contract, ContractStatus
from onboarding.domain.events import ContractEvent


class ConcurrencyConflict(Conflict):
    """Someone else stored this version first (optimistic concurrency on (contract_id, version))."""

    code = "version_conflict"


class AlreadyProcessed(Exception):
    """The integration event that caused this write was already handled (idempotency marker exists)."""


class EventStore(Protocol):
    def load(self, contract_id: str) -> list[ContractEvent]: ...

    def append(self, events: list[ContractEvent], dedup_marker: Any | None = None) -> None:
        """Store ``events`` (consecutive versions of one contract) atomically, each version only if free.
        Raises ``ConcurrencyConflict``; with ``dedup_marker``, ``AlreadyProcessed`` if it exists."""

    def all_events(self) -> Any:
        """Every stored event, grouped by contract, versions ascending (for rebuilds)."""


class ContractReadModel(Protocol):
    def get(self, contract_id: str) -> Contract | None: ...

    def list(self, partner_id: str | None, status: ContractStatus | None, limit: int,
             next_token: str | None) -> tuple[list[Contract], str | None]: ...

    def project(self, event: ContractEvent, history: Any) -> bool: ...

    def replace_all(self, contracts: list[Contract], reload: Any) -> int: ...
