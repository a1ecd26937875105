"""Validation rules of partner registration and edits (field-level, as the API reports them)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from hexa_shared.errors import Conflict
from partner_management.application.commands import RegisterPartner, UpdatePartner
from partner_management.domain.partner import Partner, PartnerStatus, PartnerType

VALID = {"name": "Acme Corp", "email": "Sales@Acme.example", "partner_type": "COMPANY", "country": "es"}


def fields_in_error(**overrides: object) -> set[str]:
    with pytest.raises(ValidationError) as error:
        RegisterPartner.model_validate({**VALID, **overrides})
    return {".".join(map(str, e["loc"])) for e in error.value.errors()}


def test_valid_registration_is_normalised() -> None:
    command = RegisterPartner.model_validate({**VALID, "phone": "+34 911 222 333", "tax_id": " B-12345678 "})
    assert command.email == "sales@acme.example"
    assert command.country == "ES"
    assert command.phone == "+34911222333"
    assert command.tax_id == "B-12345678"
    assert command.commission_rate == Decimal("0.10")


@pytest.mark.parametrize(
    "field,value",
    [
        ("name", ""),
        ("name", "   "),
        ("name", "x" * 256),
        ("name", 42),
        ("email", "not-an-email"),
        ("email", "a@b"),
        ("email", "two@@ats.example"),
        ("partner_type", "FREELANCER"),
        ("partner_type", "company"),
        ("country", "XX"),
        ("country", "ESP"),
        ("country", 34),
        ("phone", "911222333"),
        ("phone", "+0123"),
        ("phone", "+1234567890123456"),
        ("tax_id", ""),
        ("tax_id", "x" * 40),
        ("commission_rate", "0.51"),
        ("commission_rate", "-0.01"),
        ("commission_rate", "abc"),
        ("commission_rate", "0.12345"),
        ("commission_rate", True),
        ("commission_rate", "NaN"),
    ],
)
def test_bad_values_are_reported_on_their_field(field: str, value: object) -> None:
    assert fields_in_error(**{field: value}) == {field}


def test_missing_and_unknown_fields_are_named() -> None:
    with pytest.raises(ValidationError) as error:
        RegisterPartner.model_validate({"name": "A", "nickname": "a"})
    assert {".".join(map(str, e["loc"])) for e in error.value.errors()} == {
        "email",
        "partner_type",
        "country",
        "nickname",
    }


@pytest.mark.parametrize(
    "rate,expected",
    [("0.1", "0.10"), ("0.25", "0.25"), ("0.125", "0.125"), (0, "0.00"), ("0.5", "0.50"), ("0", "0.00")],
)
def test_commission_rate_accepts_decimal_strings(rate: object, expected: str) -> None:
    assert str(RegisterPartner.model_validate({**VALID, "commission_rate": rate}).commission_rate) == expected


@pytest.mark.parametrize("rate", [0.25, 0.1, "1E-1", "+0.1", " 0.1", "0.1 ", ".1", "0,1", "1_0", "٠.١", 1])
def test_commission_rate_is_never_a_float_an_exponent_or_a_sign(rate: object) -> None:
    """Issue 12 #9: a JSON float was taken; so were exponents and other spellings Decimal() reads."""
    assert fields_in_error(commission_rate=rate) == {"commission_rate"}


@pytest.mark.parametrize("name", ["Acme\nCorp", "Acme\tCorp", "Acme\x00Corp", "Acme\u2028Corp", "\ud800"])
def test_a_name_is_one_line_of_text(name: str) -> None:
    assert fields_in_error(name=name) == {"name"}


def test_update_takes_only_editable_fields_and_keeps_what_was_not_sent() -> None:
    assert UpdatePartner.model_validate({"phone": "+4915112345678"}).changes() == {"phone": "+4915112345678"}
    with pytest.raises(ValidationError):
        UpdatePartner.model_validate({"email": "new@acme.example"})
    with pytest.raises(ValueError):
        UpdatePartner.model_validate({"name": None}).changes()


def test_deactivated_partner_is_frozen() -> None:
    partner = Partner.register(
        partner_id="p", name="A", email="a@a.example", partner_type=PartnerType.AGENCY, country="FR", now="t0"
    )
    gone = partner.deactivate("t1")
    assert gone.status is PartnerStatus.DEACTIVATED and gone.updated_at == "t1"
    with pytest.raises(Conflict):
        gone.deactivate("t2")
    with pytest.raises(Conflict):
        gone.update({"name": "B"}, "t2")
