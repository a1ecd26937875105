"""What Onboarding answers: one response model per shape (checked on the way out, and the spec)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from pydantic import Field, StrictInt, StrictStr

from hexa_shared.http.views import NextToken, Timestamp, View, values_of
from onboarding.domain.contract import ContractStatus, ContractType

if TYPE_CHECKING:  # the wire strings of each enum (a Literal built at run time; mypy sees str)
    ContractTypeValue = str
    ContractStatusValue = str
else:
    ContractTypeValue = values_of(ContractType)
    ContractStatusValue = values_of(ContractStatus)


class Contract(View):
    contract_id: StrictStr
    partner_id: StrictStr
    contract_type: ContractTypeValue
    status: ContractStatusValue
    terms: dict[str, Any]
    version: StrictInt = Field(description="also the ETag; send it back in If-Match")
    created_at: Timestamp
    updated_at: Timestamp
    signed_by: Optional[StrictStr]
    termination_reason: Optional[StrictStr]


class ContractPage(View):
    items: list[Contract]
    next_token: NextToken


class ContractEvent(View):
    version: StrictInt
    event_type: StrictStr
    occurred_at: Timestamp
    data: dict[str, Any]


class ContractHistory(View):
    items: list[ContractEvent]
    next_token: NextToken
