"""Validated inputs of the Campaign Management use cases."""

from __future__ import annotations

from typing import Annotated, Optional

from pydantic import Field, StrictInt, StrictStr

from campaign_management.domain.campaign import CampaignStatus
from hexa_shared.fields import StrictModel, Uuid, Uuid4, line
from hexa_shared.http.pagination import DEFAULT_LIMIT, MAX_LIMIT
from hexa_shared.fields import IsoDate, Money, PositiveMoney

Count = Annotated[StrictInt, Field(ge=0, le=10**12)]


class CreateCampaign(StrictModel):
    partner_id: Uuid4
    name: line(255)  # type: ignore[valid-type]  # as the monolith (VARCHAR(255))
    description: StrictStr = Field("", max_length=10_000)  # migrated descriptions reach 10,000
    budget: PositiveMoney
    start_date: IsoDate
    end_date: IsoDate


class EditCampaign(StrictModel):
    name: Optional[line(255)] = None  # type: ignore[valid-type]
    description: Optional[StrictStr] = Field(None, max_length=10_000)
    budget: Optional[PositiveMoney] = None
    start_date: Optional[IsoDate] = None
    end_date: Optional[IsoDate] = None


class RecordPerformance(StrictModel):
    impressions: Count
    clicks: Count
    conversions: Count
    revenue: Money
    spend: Money


class ListCampaigns(StrictModel):
    partner_id: Optional[Uuid] = None
    status: Optional[CampaignStatus] = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    next_token: Optional[str] = None


class DateRange(StrictModel):
    from_: Optional[IsoDate] = Field(None, alias="from")
    to: Optional[IsoDate] = None
