"""What the Partner Management use cases need from the outside world."""
from __future__ import annotations

from typing import Protocol

from hexa_shared.events.envelope import IntegrationEvent
from partner_management.domain.partner import Partner, PartnerStatus, PartnerType


class PartnerRepository(Protocol):
    def add(self, partner: Partner, event: IntegrationEvent) -> None:
        """Store a new partner, reserve its email and record ``event`` for publishing — all or nothing.
        Raises ``DuplicateEmail`` when the email is taken."""

    def get(self, partner_id: str) -> Partner | None: ...

    def save(self, partner: Partner, event: IntegrationEvent | None = None) -> Partner:
        """Store a changed partner if nobody changed it meanwhile (else ``Conflict``), with its event."""

    def list(self, status: PartnerStatus | None, partner_type: PartnerType | None, limit: int,
             next_token: str | None) -> tuple[list[Partner], str | None]: ...
