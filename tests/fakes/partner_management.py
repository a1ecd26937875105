"""Partner Management's ports in memory: the partner repository, the commission ledger, the owner APIs."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from fakes.paging import page
from hexa_shared.errors import Conflict
from hexa_shared.events import schema
from hexa_shared.events.envelope import IntegrationEvent
from partner_management.application.ports import DuplicateEmail, OwnerUnavailable
from partner_management.domain.commission import CommissionLine
from partner_management.domain.partner import Partner, PartnerStatus, PartnerType


class InMemoryPartnerRepository:
    def __init__(self) -> None:
        self.partners: dict[str, Partner] = {}
        self.emails: dict[str, str] = {}
        self.outbox: list[IntegrationEvent] = []

    def add(self, partner: Partner, event: IntegrationEvent) -> None:
        schema.validate(event)  # as the outbox does: a bad event fails the write
        if partner.email in self.emails:
            raise DuplicateEmail(f"a partner with email {partner.email} already exists")
        if partner.partner_id in self.partners:
            raise Conflict("partner already exists")
        self.partners[partner.partner_id] = replace(partner, version=1)
        self.emails[partner.email] = partner.partner_id
        self.outbox.append(event)

    def get(self, partner_id: str) -> Partner | None:
        return self.partners.get(partner_id)

    def save(self, partner: Partner, event: IntegrationEvent | None = None) -> Partner:
        if event is not None:
            schema.validate(event)
        stored = self.partners.get(partner.partner_id)
        if stored is None or stored.version != partner.version:
            raise Conflict("partner was changed concurrently; reload and retry")
        saved = replace(partner, version=partner.version + 1)
        self.partners[partner.partner_id] = saved
        if event is not None:
            self.outbox.append(event)
        return saved

    def list(
        self,
        status: PartnerStatus | None,
        partner_type: PartnerType | None,
        limit: int,
        next_token: str | None,
    ) -> tuple[list[Partner], str | None]:
        matching = [
            p
            for p in self.partners.values()
            if (status is None or p.status is status)
            and (partner_type is None or p.partner_type is partner_type)
        ]
        return page(matching, limit, next_token)


class InMemoryCommissionLedger:
    """One line per (partner, day, campaign); a line only moves forward in time (its source event's)."""

    def __init__(self) -> None:
        self.lines_by_key: dict[tuple[str, str], tuple[CommissionLine, str]] = {}  # (partner, day#campaign)

    def record(self, line: CommissionLine, occurred_at: str, event_id: str) -> bool:
        key = (line.partner_id, f"{line.day.isoformat()}#{line.campaign_id}")
        current = self.lines_by_key.get(key)
        if current is not None and current[1] > occurred_at:
            return False
        self.lines_by_key[key] = (line, occurred_at)
        return True

    def lines(
        self,
        partner_id: str,
        start: date | None,
        end: date | None,
        limit: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[CommissionLine], str | None]:
        low, high = (start.isoformat() if start else "0000"), (end.isoformat() + "#~" if end else "9999")
        keys = sorted(k for p, k in self.lines_by_key if p == partner_id and low <= k <= high)
        lines = [self.lines_by_key[(partner_id, k)][0] for k in keys]
        return page(lines, limit, next_token)

    def total(self, partner_id: str, start: date | None, end: date | None) -> Decimal:
        return sum((line.commission for line in self.lines(partner_id, start, end)[0]), Decimal("0"))


class InMemoryOwners:
    """The three owner APIs in memory. ``headers`` carry the caller as the fakes' tokens do:
    ``Authorization: Bearer admin`` or ``Bearer partner:<partner_id>``; a partner asking about another
    partner gets an empty list (as the owners' scoped lists answer). ``down`` sections raise."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, list[dict[str, Any]]]] = {
            "contracts": {},
            "campaigns": {},
            "jobs": {},
        }
        self.down: set[str] = set()
        self.asked: list[tuple[str, str, dict[str, str]]] = []

    def add(self, section: str, partner_id: str, item: dict[str, Any]) -> None:
        self.items[section].setdefault(partner_id, []).append(item)

    def _items(self, section: str, partner_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
        self.asked.append((section, partner_id, headers))
        if section in self.down:
            raise OwnerUnavailable("HTTP 503 service_unavailable")
        caller = headers.get("Authorization", "").removeprefix("Bearer ")
        if caller not in ("admin", f"partner:{partner_id}"):
            if not caller.startswith("partner:"):
                raise OwnerUnavailable("HTTP 401 unauthorized")
            return []
        return list(self.items[section].get(partner_id, []))

    def contracts(self, partner_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
        return self._items("contracts", partner_id, headers)

    def campaigns(self, partner_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
        return self._items("campaigns", partner_id, headers)

    def jobs(self, partner_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
        return self._items("jobs", partner_id, headers)
