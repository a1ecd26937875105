"""The monolith → platform mapping, row by row (pure: no database)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from hexa_infra.migration import entities
from hexa_infra.migration.mapping import Outcome, Rejected, enum, metrics, money, ratio, utc

P, C = "8b6f8f4e-3c1e-4c59-9d8e-0f6c3f6d2a11", "2c9a4b8e-1d2f-4a3b-8c7d-6e5f4a3b2c1d"
PARTNER = {
    "id": P,
    "nombre": "Íñigo Ñúñez 🎸",
    "email": "Inigo@Correo.example",
    "tipo": "AGENCIA",
    "pais": "es",
    "telefono": "+34 611 222 333",
    "identificacion_fiscal": "B12345678",
    "tasa_comision": Decimal("0.1250"),
    "estado": "ACTIVO",
    "created_at": datetime(2024, 3, 1, 10, 0, 0, 123456),
    "updated_at": datetime(2024, 3, 2),
}


def test_a_partner_in_the_platforms_vocabulary_with_each_normalisation_noted() -> None:
    out, partner = entities.partner(PARTNER)
    assert partner is not None and out.outcome == "normalised"
    assert (partner.email, partner.country, partner.phone, partner.partner_type.value) == (
        "inigo@correo.example",
        "ES",
        "+34611222333",
        "AGENCY",
    )
    assert partner.name == "Íñigo Ñúñez 🎸"  # byte for byte
    assert str(partner.commission_rate) == "0.125" and partner.created_at == "2024-03-01T10:00:00.123Z"
    assert partner.commission_history == (("2024-03-01T10:00:00.123Z", Decimal("0.125")),)
    assert len(out.notes) == 3 and all("read as" in note for note in out.notes)


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"email": "no-at.example"}, "email not a valid email address"),
        ({"tipo": "PROVEEDOR"}, "tipo 'PROVEEDOR' is outside its domain"),
        ({"pais": None}, "pais not an ISO-3166 alpha-2 country code"),
        ({"tasa_comision": Decimal("0.6")}, "must be between 0 and 0.5"),
        ({"nombre": "Dos\nlíneas"}, "nombre must be a single line"),
        ({"nombre": "x" * 256}, "nombre is 256 characters, over the platform's 255"),
        ({"created_at": None}, "created_at is NULL"),
    ],
)
def test_a_partner_the_platform_cannot_take_is_rejected_with_the_reason(change: dict, reason: str) -> None:
    out, partner = entities.partner({**PARTNER, **change})
    assert partner is None and out.outcome == "rejected" and reason in out.reason


def test_stray_enumerations_are_normalised_and_others_refused() -> None:
    out = Outcome("t", "1")
    assert enum(" activo ", {"ACTIVO": "ACTIVE"}, "estado", out) == "ACTIVE" and out.outcome == "normalised"
    with pytest.raises(Rejected, match="outside its domain"):
        enum("ARCHIVED", {"ACTIVE": "ACTIVE"}, "estado", Outcome("t", "2"))


@pytest.mark.parametrize(
    "value, expected, noted",
    [
        (Decimal("10.005"), "10.01", True),
        (Decimal("10.004"), "10.00", True),
        ("150.5", "150.50", True),
        (99.995, "100.00", True),
        (Decimal("12.50"), "12.50", False),
        (7, "7.00", False),
    ],
)
def test_money_rounds_half_away_from_zero_and_says_so(value: object, expected: str, noted: bool) -> None:
    out = Outcome("t", "1")
    assert str(money(value, "m", out)) == expected and (out.outcome == "normalised") is noted


def test_irregular_metrics_are_read_and_noted() -> None:
    out = Outcome("campaign_performance", "1")
    read = metrics({"impresiones": "1200", "clics": 31, "ingresos": 12.345}, out)
    assert read == {
        "impressions": 1200,
        "clicks": 31,
        "conversions": 0,
        "revenue": Decimal("12.35"),
        "spend": Decimal("0.00"),
    }
    assert any("absent: 0" in n for n in out.notes) and any("was the text '1200'" in n for n in out.notes)
    with pytest.raises(Rejected, match="NULL"):
        metrics(None, Outcome("t", "2"))
    with pytest.raises(Rejected, match="not a count"):
        metrics({"impresiones": -3}, Outcome("t", "3"))


def test_a_contract_enters_as_one_migrated_event_with_a_derived_id() -> None:
    row = {
        "id": C,
        "partner_id": P,
        "tipo": "EMPRESARIAL",
        "estado": "ACTIVO",
        "terminos": {"pago": "mensual"},
        "firmado_por": "Ana",
        "fecha_firma": datetime(2024, 5, 1),
        "fecha_activacion": None,
        "motivo_terminacion": None,
        "created_at": datetime(2024, 4, 1),
        "updated_at": datetime(2024, 5, 2),
    }
    out, event = entities.contract(row, "kept")
    assert event.event_type == "ContractMigrated" and event.version == 1
    assert event.event_id == entities.contract(row, "kept")[1].event_id  # the same on every run
    assert event.data["status"] == "ACTIVE" and event.data["activated_at"] is None
    assert "activation date unknown" in out.notes[0]
    rejected, nothing = entities.contract(row, "rejected")
    assert nothing is None and rejected.reason == f"parent rejected: {P}"


def test_a_later_record_of_the_same_day_wins_and_the_others_merge_into_it() -> None:
    row = {
        "id": C,
        "campaign_id": P,
        "fecha": date(2026, 1, 2),
        "metricas": {"impresiones": 1, "clics": 0, "conversiones": 0, "ingresos": 1, "gasto": 1},
    }
    out, day = entities.performance(row, "kept", winner="later-one")
    assert day is None and out.outcome == "merged" and out.into == "later-one"


def test_ratios_and_times_in_the_platforms_spelling() -> None:
    assert (ratio(Decimal("0.1000")), ratio(Decimal("0.1250")), ratio(Decimal("0"))) == (
        "0.10",
        "0.125",
        "0.00",
    )
    assert utc(datetime(2026, 1, 2, 3, 4, 5, 678901), "t") == "2026-01-02T03:04:05.678Z"


def test_the_legacy_password_never_reaches_a_command_line() -> None:
    from hexa_infra.migration.backup import _tool_args

    argv, env = _tool_args("postgresql://hexa:s3cret@127.0.0.1:5432/hexabuilders")
    assert "s3cret" not in " ".join(argv) and env["PGPASSWORD"] == "s3cret"
    assert "host=127.0.0.1" in argv[1] and "dbname=hexabuilders" in argv[1]


@pytest.mark.parametrize(
    "legacy_id", ["00000000-0000-0000-0000-000000000000", "8b6f8f4e-3c1e-0c59-9d8e-0f6c3f6d2a11"]
)
def test_an_id_the_platform_cannot_use_is_refused(legacy_id: str) -> None:
    out, partner = entities.partner({**PARTNER, "id": legacy_id})
    assert partner is None and "is not a UUID the platform accepts" in out.reason


def test_a_date_outside_the_platforms_range_is_refused() -> None:
    row = {"id": C, "campaign_id": P, "fecha": date(1969, 12, 31), "metricas": {}}
    out, day = entities.performance(row, "kept", None)
    assert day is None and "outside 1970-01-01..2099-12-31" in out.reason
