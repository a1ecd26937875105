"""Validation of the Onboarding command bodies."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from onboarding.application.commands import (
    AmendTerms,
    CreateContract,
    NoBody,
    SignContract,
    TerminateContract,
)

P = "8b6f8f4e-3c1e-4c59-9d8e-0f6c3f6d2a11"


def bad_fields(model, data: dict) -> set[str]:
    with pytest.raises(ValidationError) as error:
        model.model_validate(data)
    return {".".join(map(str, e["loc"])) for e in error.value.errors()}


def test_create_contract() -> None:
    assert CreateContract.model_validate({"partner_id": P, "contract_type": "PREMIUM"}).terms == {}
    assert bad_fields(CreateContract, {"partner_id": "p-1", "contract_type": "GOLD"}) == {
        "partner_id",
        "contract_type",
    }
    assert bad_fields(CreateContract, {"partner_id": P, "contract_type": "STANDARD", "terms": []}) == {
        "terms"
    }
    assert bad_fields(
        CreateContract, {"partner_id": P, "contract_type": "STANDARD", "terms": {"blob": "x" * 20000}}
    ) == {"terms"}
    assert bad_fields(CreateContract, {"partner_id": P, "contract_type": "STANDARD", "status": "ACTIVE"}) == {
        "status"
    }


def test_command_bodies() -> None:
    assert bad_fields(SignContract, {}) == {"signed_by"}
    assert bad_fields(SignContract, {"signed_by": "  "}) == {"signed_by"}
    assert bad_fields(TerminateContract, {"reason": ""}) == {"reason"}
    assert bad_fields(AmendTerms, {}) == {"terms"}
    assert bad_fields(NoBody, {"force": True}) == {"force"}
