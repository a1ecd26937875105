"""What the Onboarding use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from hexa_shared.errors import Conflict, FieldIssue, InvalidInput
from onboarding.domain.contract import Contract, ContractStatus
from onboarding.domain.events import ContractEvent
from onboarding.domain.partners import KnownPartner


class ConcurrencyConflict(Conflict):
    """Someone else stored this version first (optimistic concurrency on (contract_id, version))."""

    code = "version_conflict"


class PartnerNotKnown(InvalidInput):
    """Onboarding has not (yet) seen this partner's registration: no contract for it."""

    code = "partner_not_known"

    def __init__(self, partner_id: str) -> None:
        super().__init__(
            f"partner {partner_id} is not known to Onboarding (yet): a partner's registration "
            "reaches Onboarding as an event, usually within a second",
            [FieldIssue("partner_id", "not a registered partner (yet)")],
        )


class PartnerClosed(Conflict):
    """The partner is deactivated: it takes no new contracts."""

    code = "partner_deactivated"


class AlreadyProcessed(Exception):
    """The integration event that caused this write was already handled (idempotency marker exists)."""


class EventStore(Protocol):
    def load(self, contract_id: str) -> list[ContractEvent]: ...

    def append(
        self, events: list[ContractEvent], processed_event_id: str | None = None, registering: bool = False
    ) -> None:
        """Store ``events`` (consecutive versions of one contract) atomically, each version only if free.
        Raises ``ConcurrencyConflict``; with ``processed_event_id``, the same write marks that integration
        event processed by this store's consumer, and raises ``AlreadyProcessed`` if it already was; a draft
        only for a partner that takes contracts (else ``PartnerNotKnown`` or ``PartnerClosed``);
        ``registering`` records the partner's registration in the same write."""

    def all_events(self) -> Iterator[ContractEvent]:
        """Every stored event, grouped by contract, versions ascending (for rebuilds)."""


class ContractReadModel(Protocol):
    def get(self, contract_id: str) -> Contract | None: ...

    def list_for_partner(
        self, partner_id: str, status: ContractStatus | None, limit: int, next_token: str | None
    ) -> tuple[list[Contract], str | None]: ...

    def list_all(
        self, status: ContractStatus | None, limit: int, next_token: str | None
    ) -> tuple[list[Contract], str | None]:
        """Every partner's contracts: asked for by name, never by passing no partner."""

    def project(self, event: ContractEvent, history: Callable[[], list[ContractEvent]]) -> bool:
        """Move the contract's row to ``event.version``; ``False`` if it already is there (a redelivery). A
        gap (an event skipped) is repaired by folding ``history()``, the contract's stored events."""

    def replace_all(self, contracts: list[Contract], reload: Callable[[str], list[ContractEvent]]) -> int:
        """Overwrite every row with ``contracts`` (folded histories) and delete the rows of any other; a row
        the projector moved past the fold meanwhile is kept, unless ``reload`` shows it claims a version
        the store does not have. Returns the number of contracts."""


class KnownPartners(Protocol):
    """Onboarding's own projection of partners (sticky facts from Partner Management's events)."""

    def get(self, partner_id: str) -> KnownPartner | None: ...

    def record_registered(self, partner_id: str) -> KnownPartner: ...

    def record_deactivated(self, partner_id: str) -> KnownPartner:
        """Sticky; the answer lists every contract drafted for the partner before this moment."""
