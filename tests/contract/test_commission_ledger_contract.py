"""The CommissionLedger port's contract, on the in-memory fake and DynamoDB alike: one line per (partner,
day, campaign), replaced by a newer correction (or a redelivery of the same), never by an older one;
a date range read in pages, each line once, and its total."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

import pytest

from paged import every_page
from fakes.partner_management import InMemoryCommissionLedger
from hexa_shared.clock import new_id
from partner_management.domain.commission import CommissionLine


def _line(partner_id: str, day: int, revenue: str, campaign_id: str = "c-1") -> CommissionLine:
    return CommissionLine.earn(
        partner_id=partner_id,
        campaign_id=campaign_id,
        day=date(2026, 3, day),
        revenue=Decimal(revenue),
        rate=Decimal("0.10"),
    )


class CommissionLedgerContract:
    ledger: object

    def test_a_newer_correction_replaces_the_line_and_an_older_one_changes_nothing(self) -> None:
        partner = new_id()
        assert self.ledger.record(_line(partner, 1, "100.00"), "2026-03-02T00:00:00Z", "e1")
        assert self.ledger.record(_line(partner, 1, "150.00"), "2026-03-03T00:00:00Z", "e2")
        assert not self.ledger.record(_line(partner, 1, "90.00"), "2026-03-02T12:00:00Z", "e3")
        assert self.ledger.record(_line(partner, 1, "150.00"), "2026-03-03T00:00:00Z", "e2")  # a redelivery
        lines, _ = self.ledger.lines(partner, None, None)
        assert [(line.revenue, line.commission) for line in lines] == [(Decimal("150.00"), Decimal("15.00"))]

    def test_a_range_reads_in_pages_each_line_once_in_day_order_and_totals(self) -> None:
        partner = new_id()
        for day in range(1, 8):
            self.ledger.record(_line(partner, day, f"{day}0.00"), "2026-03-10T00:00:00Z", f"e{day}")
        self.ledger.record(_line(new_id(), 3, "999.00"), "2026-03-10T00:00:00Z", "other")  # another partner's
        lines = every_page(lambda t: self.ledger.lines(partner, date(2026, 3, 2), date(2026, 3, 6), 2, t), 2)
        assert [line.day.day for line in lines] == [2, 3, 4, 5, 6]
        assert self.ledger.total(partner, date(2026, 3, 2), date(2026, 3, 6)) == Decimal("20.00")

    def test_a_partner_without_lines_has_none_and_a_zero_total(self) -> None:
        partner = new_id()
        assert self.ledger.lines(partner, None, None, 10) == ([], None)
        assert self.ledger.total(partner, None, None) == Decimal("0")


class TestInMemoryCommissionLedger(CommissionLedgerContract):
    @pytest.fixture(autouse=True)
    def _ledger(self) -> None:
        self.ledger = InMemoryCommissionLedger()


class TestDynamoCommissionLedger(CommissionLedgerContract):
    @pytest.fixture(autouse=True)
    def _ledger(self, cloud) -> None:  # noqa: ANN001 - the running local cloud (its tables)
        from partner_management.adapters.commission_ledger import DynamoCommissionLedger

        self.ledger = DynamoCommissionLedger(os.environ["COMMISSION_LEDGER_TABLE"])
