"""Validated inputs of the Onboarding use cases."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import Field, StrictStr, field_validator

from hexa_shared import strict_json
from hexa_shared.fields import StrictModel, Uuid, Uuid4, line
from hexa_shared.http.pagination import DEFAULT_LIMIT, MAX_LIMIT
from onboarding.domain.contract import ContractStatus, ContractType

MAX_TERMS_BYTES = 16 * 1024


def _check_terms(terms: dict[str, Any]) -> dict[str, Any]:
    if len(strict_json.dumps(terms)) > MAX_TERMS_BYTES:
        raise ValueError(f"terms larger than {MAX_TERMS_BYTES} bytes")
    return terms


class CreateContract(StrictModel):
    partner_id: Uuid4
    contract_type: ContractType
    terms: dict[str, Any] = Field(default_factory=dict)

    _terms = field_validator("terms")(lambda cls, v: _check_terms(v))


class AmendTerms(StrictModel):
    terms: dict[str, Any]

    _terms = field_validator("terms")(lambda cls, v: _check_terms(v))


class SignContract(StrictModel):
    signed_by: line(255)  # type: ignore[valid-type]


class TerminateContract(StrictModel):
    reason: StrictStr = Field(min_length=1, max_length=500)


class NoBody(StrictModel):
    """submit / activate take no fields (an empty body or ``{}``)."""


class ListContracts(StrictModel):
    partner_id: Optional[Uuid] = None
    status: Optional[ContractStatus] = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    next_token: Optional[str] = None
