"""green -> blue, the pure half: a platform record (a stream image as plain values) → the monolith's row."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from decimal import Decimal

import pytest

from legacy_writer import rows
from legacy_writer.vocabulary import CONTRACT_STATES, PARTNER_TYPES, legacy_value

PARTNER = {
    "partner_id": "8c1d6b0e-2f4a-4c3b-9d5e-6f7a8b9c0d1e",
    "name": "Acme",
    "email": "ana@acme.example",
    "partner_type": "AGENCY",
    "country": "ES",
    "phone": None,
    "tax_id": "B12345678",
    "commission_rate": "0.125",
    "status": "DEACTIVATED",
    "created_at": "2026-01-02T03:04:05.678Z",
    "updated_at": "2026-11-30T10:00:00.000Z",
    "version": Decimal(4),
}


def test_a_partner_becomes_its_legacy_row_in_the_monoliths_words() -> None:
    row = rows.partner(PARTNER)
    assert (row.table, row.row_id, row.version, row.partner_id) == (
        "partners",
        PARTNER["partner_id"],
        4,
        PARTNER["partner_id"],
    )
    assert row.values == {
        "nombre": "Acme",
        "email": "ana@acme.example",
        "tipo": "AGENCIA",
        "pais": "ES",
        "telefono": None,
        "identificacion_fiscal": "B12345678",
        "tasa_comision": Decimal("0.125"),
        "estado": "INACTIVO",
        "created_at": datetime(2026, 1, 2, 3, 4, 5, 678000),
        "updated_at": datetime(2026, 11, 30, 10, 0),
    }


def test_what_the_monolith_wrote_itself_never_travels_back() -> None:
    for mapper, image in (
        (rows.partner, PARTNER),
        (rows.campaign_day, {"campaign_id": "c", "day": "2026-01-01"}),
    ):
        assert mapper({**image, "replicated_from": "blue"}) is None


def test_a_contract_gets_its_signing_and_activation_times_from_when_it_reached_them() -> None:
    image = {
        "contract_id": str(uuid.uuid4()),
        "partner_id": PARTNER["partner_id"],
        "contract_type": "ENTERPRISE",
        "status": "ACTIVE",
        "terms": json.dumps({"territory": "ES"}),
        "version": Decimal(4),
        "created_at": "2026-11-01T00:00:00Z",
        "updated_at": "2026-11-30T12:00:00Z",
        "signed_by": "Ana",
    }
    row = rows.contract(image)
    assert (row.values["tipo"], row.values["estado"], row.values["terminos"], row.values["firmado_por"]) == (
        "EMPRESARIAL",
        "ACTIVO",
        {"territory": "ES"},
        "Ana",
    )
    assert row.values["fecha_firma"] == row.values["fecha_activacion"] == datetime(2026, 11, 30, 12)
    drafted = rows.contract({**image, "status": "DRAFT"})
    assert (drafted.values["estado"], drafted.values["fecha_firma"], drafted.values["fecha_activacion"]) == (
        "BORRADOR",
        None,
        None,
    )


def test_a_campaign_day_and_a_ledger_line_update_the_row_of_their_natural_key() -> None:
    campaign_id = str(uuid.uuid4())
    day = rows.campaign_day(
        {
            "campaign_id": campaign_id,
            "day": "2026-06-01",
            "impressions": Decimal(1000),
            "clicks": Decimal(50),
            "conversions": Decimal(5),
            "revenue": Decimal("400.10"),
            "spend": Decimal("120.50"),
        }
    )
    assert day.natural_key == {"campaign_id": campaign_id, "fecha": date(2026, 6, 1)}
    assert day.values["metricas"] == {
        "impresiones": 1000,
        "clics": 50,
        "conversiones": 5,
        "ingresos": Decimal("400.10"),
        "gasto": Decimal("120.50"),
    }
    again = rows.campaign_day(
        {
            "campaign_id": campaign_id,
            "day": "2026-06-01",
            "impressions": 1,
            "clicks": 1,
            "conversions": 1,
            "revenue": 1,
            "spend": 1,
        }
    )
    assert again.row_id == day.row_id  # a replay makes the same new row, never a second one
    line = rows.commission_line(
        {
            "partner_id": PARTNER["partner_id"],
            "campaign_id": campaign_id,
            "day": "2026-06-01",
            "line_key": f"2026-06-01#{campaign_id}",
            "revenue": Decimal("400.00"),
            "commission_rate": Decimal("0.1"),
            "commission": Decimal("40.00"),
            "source_occurred_at": "2026-06-02T00:00:00Z",
            "source_event_id": "e",
        }
    )
    assert line.natural_key == {
        "partner_id": PARTNER["partner_id"],
        "campaign_id": campaign_id,
        "fecha": date(2026, 6, 1),
    }
    assert (line.values["base"], line.values["tasa"], line.values["monto"]) == (
        Decimal("400.00"),
        Decimal("0.1"),
        Decimal("40.00"),
    )


def test_a_value_the_monolith_has_no_word_for_is_an_error_naming_the_field() -> None:
    with pytest.raises(ValueError, match="partner_type 'ROBOT'"):
        rows.partner({**PARTNER, "partner_type": "ROBOT"})


@pytest.mark.parametrize("domain", [PARTNER_TYPES, CONTRACT_STATES])
def test_both_directions_read_one_vocabulary(domain: dict[str, str]) -> None:
    for legacy, platform in domain.items():
        assert legacy_value(domain, platform, "field") == legacy
