"""What Partner Management answers: one response model per shape (checked on the way out, and the spec)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Optional

from pydantic import Field, StrictInt, StrictStr

from hexa_shared.http.views import DateText, MoneyText, NextToken, RatioText, Timestamp, View, values_of
from partner_management.domain.partner import PartnerStatus, PartnerType

if TYPE_CHECKING:  # the wire strings of each enum (a Literal built at run time; mypy sees str)
    PartnerTypeValue = str
    PartnerStatusValue = str
else:
    PartnerTypeValue = values_of(PartnerType)
    PartnerStatusValue = values_of(PartnerStatus)


class Health(View):
    status: Literal["ok"]
    service: StrictStr


class Partner(View):
    partner_id: StrictStr
    name: StrictStr
    email: StrictStr
    partner_type: PartnerTypeValue
    country: StrictStr = Field(description="ISO 3166-1 alpha-2")
    tax_id: Optional[StrictStr]
    phone: Optional[StrictStr] = Field(description="E.164")
    commission_rate: RatioText
    status: PartnerStatusValue
    created_at: Timestamp
    updated_at: Timestamp


class PartnerPage(View):
    items: list[Partner]
    next_token: NextToken


class CommissionLine(View):
    campaign_id: StrictStr
    date: DateText
    revenue: MoneyText
    commission_rate: RatioText
    commission: MoneyText


class CommissionStatement(View):
    partner_id: StrictStr
    items: list[CommissionLine]
    total: MoneyText = Field(description="over the whole requested range, not just this page")
    next_token: NextToken


class CampaignSummary(View):
    count: StrictInt
    active: StrictInt
    open_budget: MoneyText
    total_spent: MoneyText
    open_budget_remaining: MoneyText


class RecruitmentSection(View):
    jobs: list[dict[str, Any]] = Field(description="as GET /jobs?partner_id= answers them")


Source = Literal["ok", "unavailable"]


class Sources(View):
    contracts: Source
    campaigns: Source
    recruitment: Source


class Profile360(View):
    """Sections are null when their owner failed or was late; ``sources`` and the reasons say which."""

    partner: Partner
    contracts: Optional[list[dict[str, Any]]] = Field(
        description="as GET /contracts?partner_id= answers them"
    )
    campaigns: Optional[list[dict[str, Any]]] = Field(
        description="as GET /campaigns?partner_id= answers them"
    )
    campaign_summary: Optional[CampaignSummary]
    recruitment: Optional[RecruitmentSection]
    sources: Sources
    unavailable_reasons: dict[str, StrictStr]
    last_updated: Timestamp
