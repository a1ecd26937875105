"""Partner Management's part of the move from the monolith: its partners and its commission ledger.

Called by the migration tooling (``hexa migrate load``) with records already mapped to this context's
vocabulary; nothing here publishes an event: a migrated partner is no new business (no contract is
drafted for it), and a migrated commission line is a fact as the monolith recorded it.
"""

from __future__ import annotations

from typing import Protocol

from partner_management.domain.commission import CommissionLine
from partner_management.domain.partner import Partner


class PartnerImport(Protocol):
    def import_partners(self, partners: list[Partner]) -> None: ...


class LedgerImport(Protocol):
    def import_lines(self, lines: list[tuple[CommissionLine, str, str]]) -> int: ...


def import_partners(partners: list[Partner], repository: PartnerImport) -> int:
    """Partners with their email guards (case-insensitive uniqueness holds for them too)."""
    repository.import_partners(partners)
    return len(partners)


def import_commission_lines(lines: list[tuple[CommissionLine, str, str]], ledger: LedgerImport) -> int:
    """(line, recorded_at, legacy id): amounts as recorded, not recomputed; a later correction of the
    same day through ``CampaignPerformanceRecorded`` replaces a line as usual (it is newer)."""
    ledger.import_lines(lines)
    return len(lines)
