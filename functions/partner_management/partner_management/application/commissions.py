"""Commissions: the ledger fed by ``CampaignPerformanceRecorded``, and the partner's statement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field

from hexa_shared.auth import Principal
from hexa_shared.errors import invalid
from hexa_shared.events.envelope import IntegrationEvent
from hexa_shared.fields import IsoDate
from hexa_shared.http.pagination import DEFAULT_LIMIT, MAX_LIMIT
from hexa_shared.money import money, parse_money
from partner_management.application.ports import CommissionLedger, PartnerRepository
from partner_management.application.update_partner import load_visible
from partner_management.domain.commission import CommissionLine


class CommissionQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    from_: Optional[IsoDate] = Field(None, alias="from")
    to: Optional[IsoDate] = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    next_token: Optional[str] = None


def record_commission(
    event: IntegrationEvent, partners: PartnerRepository, ledger: CommissionLedger
) -> CommissionLine:
    """Replace the (partner, campaign, day) line; a redelivery or an older correction changes nothing."""
    data = event.data
    partner = partners.get(data["partner_id"])
    if partner is None:  # cannot happen in order (campaigns need an active contract); retry, then DLQ
        raise LookupError(f"unknown partner {data['partner_id']}")
    line = CommissionLine.earn(
        partner_id=partner.partner_id,
        campaign_id=data["campaign_id"],
        day=date.fromisoformat(data["date"]),
        revenue=parse_money(data["metrics"]["revenue"]),
        rate=partner.commission_rate_at(event.occurred_at),
    )
    ledger.record(line, event.occurred_at, event.event_id)
    return line


def commission_statement(
    partner_id: str,
    query: CommissionQuery,
    partners: PartnerRepository,
    ledger: CommissionLedger,
    principal: Principal,
) -> dict[str, Any]:
    load_visible(partners, partner_id, principal)
    if query.from_ and query.to and query.to < query.from_:
        raise invalid("to", "must not be before from")
    lines, next_token = ledger.lines(partner_id, query.from_, query.to, query.limit, query.next_token)
    if query.next_token is None and next_token is None:  # one page holds the range: same read, same total
        total = sum((line.commission for line in lines), Decimal("0"))
    else:
        total = ledger.total(partner_id, query.from_, query.to)
    return {
        "partner_id": partner_id,
        "items": [line.to_dict() for line in lines],
        "total": money(total),
        "next_token": next_token,
    }
