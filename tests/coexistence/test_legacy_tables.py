"""green -> blue, the PostgreSQL half (``legacy_writer.legacy_tables``) against the real server: rows
written in the monolith's words, never captured back, an older version never over a newer one, the
monolith's own spelling and dates kept, and failures sorted into retry-in-order and park."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, Iterator

import psycopg
import pytest

from legacy_writer import rows
from legacy_writer.legacy_tables import OLDER, WRITTEN, LegacyTables, is_transient

from legacy_support import sql
from blue_support import empty_legacy_database


@pytest.fixture(scope="module")
def legacy(postgres: str) -> Iterator[str]:
    with empty_legacy_database(postgres) as dsn:
        yield dsn


@pytest.fixture()
def tables(legacy: str) -> Iterator[LegacyTables]:
    writer = LegacyTables(lambda: psycopg.connect(legacy))
    yield writer
    writer.close()


def partner_image(**overrides: Any) -> dict[str, Any]:
    partner_id = str(uuid.uuid4())
    return {
        "partner_id": partner_id,
        "name": "Green Co",
        "email": f"{partner_id[:8]}@green.example",
        "partner_type": "COMPANY",
        "country": "PT",
        "phone": None,
        "tax_id": None,
        "commission_rate": "0.15",
        "status": "ACTIVE",
        "created_at": "2026-11-30T10:00:00.000Z",
        "updated_at": "2026-11-30T10:00:00.000Z",
        "version": 1,
        **overrides,
    }


def test_a_green_partner_lands_in_the_monoliths_words_and_is_not_captured_back(
    legacy: str, tables: LegacyTables
) -> None:
    image = partner_image()
    assert tables.write(rows.partner(image)) == WRITTEN
    [row] = sql(
        legacy,
        "SELECT nombre, tipo, pais, tasa_comision, estado, updated_at FROM partners WHERE id = %s",
        image["partner_id"],
    )
    assert row == {
        "nombre": "Green Co",
        "tipo": "EMPRESA",
        "pais": "PT",
        "tasa_comision": Decimal("0.1500"),
        "estado": "ACTIVO",
        "updated_at": datetime(2026, 11, 30, 10),
    }
    assert (
        sql(legacy, "SELECT count(*) AS n FROM hexa_cdc.changes WHERE row_id = %s", image["partner_id"])[0][
            "n"
        ]
        == 0
    )


def test_an_older_or_replayed_version_never_overwrites_a_newer_one(legacy: str, tables: LegacyTables) -> None:
    image = partner_image()
    newer = {**image, "name": "Renamed", "version": 3}
    assert tables.write(rows.partner(newer)) == WRITTEN
    assert tables.write(rows.partner({**image, "version": 2})) == OLDER
    assert tables.write(rows.partner(newer)) == OLDER  # the same version again: a redelivery
    assert sql(legacy, "SELECT nombre FROM partners WHERE id = %s", image["partner_id"]) == [
        {"nombre": "Renamed"}
    ]


def test_the_monoliths_spelling_of_the_same_email_is_kept(legacy: str, tables: LegacyTables) -> None:
    partner_id = str(uuid.uuid4())
    sql(
        legacy,
        "INSERT INTO partners (id, nombre, email, tipo) VALUES (%s, 'Old', %s, 'EMPRESA')",
        partner_id,
        f"Ana.{partner_id[:6]}@Acme.example",
    )
    tables.write(
        rows.partner(
            partner_image(partner_id=partner_id, email=f"ana.{partner_id[:6]}@acme.example", version=2)
        )
    )
    assert sql(legacy, "SELECT email FROM partners WHERE id = %s", partner_id) == [
        {"email": f"Ana.{partner_id[:6]}@Acme.example"}
    ]
    tables.write(rows.partner(partner_image(partner_id=partner_id, email="new@acme.example", version=3)))
    assert sql(legacy, "SELECT email FROM partners WHERE id = %s", partner_id) == [
        {"email": "new@acme.example"}
    ]


def test_a_contracts_signing_date_is_set_once(legacy: str, tables: LegacyTables) -> None:
    image = partner_image()
    tables.write(rows.partner(image))
    contract = {
        "contract_id": str(uuid.uuid4()),
        "partner_id": image["partner_id"],
        "contract_type": "STANDARD",
        "status": "SIGNED",
        "terms": "{}",
        "version": 3,
        "created_at": "2026-11-01T00:00:00Z",
        "updated_at": "2026-11-02T00:00:00Z",
        "signed_by": "Ana",
    }
    tables.write(rows.contract(contract))
    tables.write(
        rows.contract({**contract, "status": "ACTIVE", "version": 4, "updated_at": "2026-11-05T00:00:00Z"})
    )
    [row] = sql(
        legacy,
        "SELECT estado, fecha_firma, fecha_activacion FROM contratos WHERE id = %s",
        contract["contract_id"],
    )
    assert row == {
        "estado": "ACTIVO",
        "fecha_firma": datetime(2026, 11, 2),
        "fecha_activacion": datetime(2026, 11, 5),
    }


def test_a_day_updates_the_monoliths_newest_row_of_that_day(legacy: str, tables: LegacyTables) -> None:
    image = partner_image()
    tables.write(rows.partner(image))
    campaign_id = str(uuid.uuid4())
    sql(
        legacy,
        "INSERT INTO campaigns (id, partner_id, nombre, presupuesto, estado) VALUES (%s, %s, 'C', 10, "
        "'ACTIVE')",
        campaign_id,
        image["partner_id"],
    )
    old, newest = str(uuid.uuid4()), str(uuid.uuid4())
    for row_id, created in ((old, "2026-06-01 08:00"), (newest, "2026-06-01 09:00")):
        sql(
            legacy,
            "INSERT INTO campaign_performance (id, campaign_id, metricas, fecha, created_at) "
            "VALUES (%s, %s, '{\"gasto\": 1}', '2026-06-01', %s)",
            row_id,
            campaign_id,
            created,
        )
    day = {
        "campaign_id": campaign_id,
        "day": "2026-06-01",
        "impressions": 10,
        "clicks": 2,
        "conversions": 1,
        "revenue": Decimal("9.99"),
        "spend": Decimal("5.50"),
    }
    tables.write(rows.campaign_day(day))
    tables.write(rows.campaign_day({**day, "day": "2026-06-02"}))
    found = {
        str(r["id"]): r["metricas"]
        for r in sql(
            legacy, "SELECT id, metricas FROM campaign_performance WHERE campaign_id = %s", campaign_id
        )
    }
    assert found[old] == {"gasto": 1}
    assert found[newest] == {"impresiones": 10, "clics": 2, "conversiones": 1, "ingresos": 9.99, "gasto": 5.5}
    assert len(found) == 3  # 2026-06-02 had no row: one was added


def test_failures_are_sorted_into_retry_in_order_and_park(legacy: str, tables: LegacyTables) -> None:
    orphan = {
        "contract_id": str(uuid.uuid4()),
        "partner_id": str(uuid.uuid4()),
        "contract_type": "STANDARD",
        "status": "DRAFT",
        "terms": "{}",
        "version": 1,
        "created_at": "2026-11-01T00:00:00Z",
        "updated_at": "2026-11-01T00:00:00Z",
    }
    with pytest.raises(psycopg.errors.ForeignKeyViolation) as parent_behind:
        tables.write(rows.contract(orphan))
    assert is_transient(parent_behind.value)  # its partner's own stream is behind: retried in order

    taken = partner_image()
    tables.write(rows.partner(taken))
    with pytest.raises(psycopg.errors.UniqueViolation) as duplicate:
        tables.write(rows.partner(partner_image(email=taken["email"])))
    assert not is_transient(duplicate.value)  # never succeeds as it is: parked with the reason
    assert sql(legacy, "SELECT count(*) AS n FROM partners WHERE email = %s", taken["email"])[0]["n"] == 1

    unreachable = LegacyTables(
        lambda: psycopg.connect("postgresql://nobody@127.0.0.1:1/none", connect_timeout=2)
    )
    with pytest.raises(psycopg.OperationalError) as down:
        unreachable.write(rows.partner(partner_image()))
    assert is_transient(down.value)
