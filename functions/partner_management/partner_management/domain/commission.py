"""Commission on a campaign's day: its revenue × the partner's commission rate at that moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from hexa_shared.money import CENT, money


@dataclass(frozen=True)
class CommissionLine:
    partner_id: str
    campaign_id: str
    day: date
    revenue: Decimal
    commission_rate: Decimal
    commission: Decimal

    @classmethod
    def earn(
        cls, *, partner_id: str, campaign_id: str, day: date, revenue: Decimal, rate: Decimal
    ) -> "CommissionLine":
        return cls(
            partner_id, campaign_id, day, revenue, rate, (revenue * rate).quantize(CENT, ROUND_HALF_EVEN)
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "campaign_id": self.campaign_id,
            "date": self.day.isoformat(),
            "revenue": money(self.revenue),
            "commission_rate": str(self.commission_rate),
            "commission": money(self.commission),
        }
