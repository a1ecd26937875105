"""The commission ledger: one line per (partner, day, campaign), replaced when a day is corrected.

Keyed ``partner_id`` + ``date#campaign_id`` so a date range is one key-range query. A line only
moves forward in time: an older ``CampaignPerformanceRecorded`` delivered after a newer correction
(retries, redeliveries) is ignored, so the ledger converges whatever the arrival order.
"""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal
from typing import Iterator

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import PutError
from pynamodb.models import Model

from hexa_shared.dynamo import batch_put, bound, DecimalAttribute
from hexa_shared.http.pagination import decode_token, encode_token
from partner_management.domain.commission import CommissionLine


class _LineItem(Model):
    partner_id = UnicodeAttribute(hash_key=True)
    line_key = UnicodeAttribute(range_key=True)  # "<date>#<campaign_id>"
    campaign_id = UnicodeAttribute()
    day = UnicodeAttribute()
    revenue = DecimalAttribute()
    commission = DecimalAttribute()
    commission_rate = DecimalAttribute()
    source_occurred_at = UnicodeAttribute()
    source_event_id = UnicodeAttribute()
    replicated_from = UnicodeAttribute(null=True)  # "blue": the monolith's line (migration, change capture)


@functools.lru_cache(maxsize=None)
def _model(table_name: str) -> type[_LineItem]:
    return bound(_LineItem, table_name, "CommissionLineItem")


def _to_line(item: _LineItem) -> CommissionLine:
    return CommissionLine(
        partner_id=item.partner_id,
        campaign_id=item.campaign_id,
        day=date.fromisoformat(item.day),
        revenue=item.revenue,
        commission_rate=item.commission_rate,
        commission=item.commission,
    )


class DynamoCommissionLedger:
    def __init__(self, table_name: str) -> None:
        self._line = _model(table_name)

    def record(self, line: CommissionLine, occurred_at: str, event_id: str) -> bool:
        """Store the line unless a newer one is there already; ``False`` when it was older."""
        item = self._line(
            line.partner_id,
            f"{line.day.isoformat()}#{line.campaign_id}",
            campaign_id=line.campaign_id,
            day=line.day.isoformat(),
            revenue=line.revenue,
            commission=line.commission,
            commission_rate=line.commission_rate,
            source_occurred_at=occurred_at,
            source_event_id=event_id,
        )
        try:
            item.save(
                condition=self._line.partner_id.does_not_exist()
                | (self._line.source_occurred_at <= occurred_at)
            )
            return True
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise

    def import_lines(self, lines: list[tuple[CommissionLine, str, str]]) -> int:
        """Migration and change capture: (line, recorded_at, source id) as recorded by the monolith, 25 per
        BatchWriteItem, marked as the monolith's (not written back to it). A later
        ``CampaignPerformanceRecorded`` for the same day replaces a line as usual."""
        items = [
            self._line(
                line.partner_id,
                f"{line.day.isoformat()}#{line.campaign_id}",
                campaign_id=line.campaign_id,
                day=line.day.isoformat(),
                revenue=line.revenue,
                commission=line.commission,
                commission_rate=line.commission_rate,
                source_occurred_at=recorded_at,
                source_event_id=source_id,
                replicated_from="blue",
            )
            for line, recorded_at, source_id in lines
        ]
        return batch_put(self._line, items)

    def get_many(self, keys: list[tuple[str, date, str]]) -> dict[tuple[str, date, str], CommissionLine]:
        """(partner_id, day, campaign_id) → the line, for the keys that exist."""
        found = self._line.batch_get([(p, f"{d.isoformat()}#{c}") for p, d, c in keys], consistent_read=True)
        return {(i.partner_id, date.fromisoformat(i.day), i.campaign_id): _to_line(i) for i in found}

    def all_keys(self) -> Iterator[tuple[str, date, str]]:
        for item in self._line.scan(attributes_to_get=["partner_id", "line_key"]):
            day, _, campaign_id = item.line_key.partition("#")
            yield item.partner_id, date.fromisoformat(day), campaign_id

    def lines(
        self,
        partner_id: str,
        start: date | None,
        end: date | None,
        limit: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[CommissionLine], str | None]:
        low, high = (start.isoformat() if start else "0000"), (end.isoformat() + "#~" if end else "9999")
        results = self._line.query(
            partner_id,
            range_key_condition=self._line.line_key.between(low, high),
            consistent_read=True,
            limit=limit,
            page_size=limit,
            last_evaluated_key=decode_token(next_token, {"partner_id", "line_key"}),
        )
        return [_to_line(i) for i in results], encode_token(results.last_evaluated_key) if limit else None

    def total(self, partner_id: str, start: date | None, end: date | None) -> Decimal:
        return sum((line.commission for line in self.lines(partner_id, start, end)[0]), Decimal("0"))
