"""What the Partner Management use cases need from the outside world."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from hexa_shared.errors import Conflict
from hexa_shared.events.envelope import IntegrationEvent
from partner_management.domain.commission import CommissionLine
from partner_management.domain.partner import Partner, PartnerStatus, PartnerType


class DuplicateEmail(Conflict):
    """Another partner already has this email (emails are unique across the platform)."""

    code = "duplicate_email"


class PartnerRepository(Protocol):
    def add(self, partner: Partner, event: IntegrationEvent) -> None:
        """Store a new partner, reserve its email and record ``event`` for publishing — all or nothing.
        Raises ``DuplicateEmail`` when the email is taken."""

    def get(self, partner_id: str) -> Partner | None: ...

    def save(self, partner: Partner, event: IntegrationEvent | None = None) -> Partner:
        """Store a changed partner if nobody changed it meanwhile (else ``Conflict``), with its event."""

    def list(
        self,
        status: PartnerStatus | None,
        partner_type: PartnerType | None,
        limit: int,
        next_token: str | None,
    ) -> tuple[list[Partner], str | None]: ...


class CommissionLedger(Protocol):
    """Commission lines, one per (partner, campaign, day), each replaced only by a newer correction."""

    def record(self, line: CommissionLine, occurred_at: str, event_id: str) -> bool:
        """Store ``line`` unless a line of a later (or the same) event is there; True if it was stored."""

    def lines(
        self,
        partner_id: str,
        start: date | None,
        end: date | None,
        limit: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[CommissionLine], str | None]: ...

    def total(self, partner_id: str, start: date | None, end: date | None) -> Decimal: ...


class OwnerUnavailable(Exception):
    """An owner answered, but not with what we asked for (its status and error code are the reason)."""


class Owners(Protocol):
    """The three contexts Profile 360 asks, each over its own public API, with the caller's credentials
    (``headers``): each answers the partner's items as that caller may see them, or raises (a transport
    error, or ``OwnerUnavailable`` for an answer that is not the list)."""

    def contracts(self, partner_id: str, headers: dict[str, str]) -> list[dict[str, Any]]: ...

    def campaigns(self, partner_id: str, headers: dict[str, str]) -> list[dict[str, Any]]: ...

    def jobs(self, partner_id: str, headers: dict[str, str]) -> list[dict[str, Any]]: ...
