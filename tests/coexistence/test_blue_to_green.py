"""blue -> green change capture against the real PostgreSQL and the local cloud: what the monolith
writes reaches the platform through the migration's mapping, in order per row, once; duplicates and
late older changes change nothing; a change the platform cannot take is rejected with its reason and
blocks nothing behind it; writes the green -> blue writer makes are not captured (no loop).

The applier is driven pass by pass here (``apply_pending``), so each assertion sees a known state."""

from __future__ import annotations

import json
import uuid
from datetime import date

import psycopg
from psycopg.rows import dict_row

from hexa_infra.coexistence import capture
from hexa_infra.coexistence.blue_to_green import BlueToGreen

from legacy_support import changes, new_partner, now, sql
from support import poll


def test_a_new_partner_and_its_edits_reach_green_in_order(legacy: str, cdc: BlueToGreen, api) -> None:  # noqa: ANN001
    partner_id = new_partner(legacy)
    assert capture.backlog(psycopg.connect(legacy)).pending >= 1
    cdc.apply_pending()
    first = api.get(f"/partners/{partner_id}").json()
    assert (first["name"], first["status"], first["partner_type"], first["commission_rate"]) == (
        "Acme Ibérica",
        "ACTIVE",
        "COMPANY",
        "0.10",
    )

    sql(legacy, "UPDATE partners SET nombre = 'Acme Uno', updated_at = %s WHERE id = %s", now(), partner_id)
    sql(
        legacy,
        "UPDATE partners SET nombre = 'Acme Dos', tasa_comision = 0.2500, updated_at = %s WHERE id = %s",
        now(),
        partner_id,
    )
    cdc.apply_pending()
    after = api.get(f"/partners/{partner_id}").json()
    assert (after["name"], after["commission_rate"]) == ("Acme Dos", "0.25")
    assert [c["outcome"] for c in changes(legacy, partner_id)] == ["applied", "superseded", "applied"]
    assert capture.backlog(psycopg.connect(legacy)).pending == 0


def test_a_duplicated_or_late_older_change_changes_nothing(legacy: str, cdc: BlueToGreen, api) -> None:  # noqa: ANN001
    partner_id = new_partner(legacy)
    sql(legacy, "UPDATE partners SET nombre = 'Newest', updated_at = %s WHERE id = %s", now(), partner_id)
    cdc.apply_pending()
    etag = api.get(f"/partners/{partner_id}").headers.get("ETag")
    older, newest = [c["seq"] for c in changes(legacy, partner_id)]
    # redeliver both (a redrive, a duplicate): the older one must not win, nothing is written again
    sql(
        legacy,
        "UPDATE hexa_cdc.changes SET applied_at = NULL, outcome = NULL WHERE seq = ANY(%s)",
        [older, newest],
    )
    report = cdc.apply_pending()
    assert {r.change.seq: r.outcome for r in report.results} == {older: "skipped", newest: "skipped"}
    after = api.get(f"/partners/{partner_id}")
    assert after.json()["name"] == "Newest" and after.headers.get("ETag") == etag


def test_writes_of_the_green_to_blue_writer_are_not_captured(legacy: str, cdc: BlueToGreen) -> None:
    partner_id = new_partner(legacy)
    cdc.apply_pending()
    before = len(changes(legacy, partner_id))
    sql(legacy, "UPDATE partners SET nombre = 'From green' WHERE id = %s", partner_id, origin="green")
    assert len(changes(legacy, partner_id)) == before
    sql(legacy, "UPDATE partners SET nombre = 'From blue' WHERE id = %s", partner_id)
    assert len(changes(legacy, partner_id)) == before + 1


def test_a_contract_moves_through_its_states_as_events_and_grants_permissions(
    legacy: str, cdc: BlueToGreen, api
) -> None:  # noqa: ANN001
    partner_id = new_partner(legacy)
    contract_id = str(uuid.uuid4())
    sql(
        legacy,
        "INSERT INTO contratos (id, partner_id, tipo, estado, terminos, created_at, updated_at) "
        "VALUES (%s, %s, 'PREMIUM', 'BORRADOR', %s, %s, %s)",
        contract_id,
        partner_id,
        json.dumps({"territory": "ES"}),
        now(),
        now(),
    )
    cdc.apply_pending()
    poll(lambda: api.get(f"/contracts/{contract_id}").status_code == 200, what="the contract's read model")
    assert api.get(f"/contracts/{contract_id}").json()["status"] == "DRAFT"

    sql(
        legacy,
        "UPDATE contratos SET estado = 'ACTIVO', firmado_por = 'Ana', fecha_firma = %s, "
        "fecha_activacion = %s, updated_at = %s WHERE id = %s",
        now(),
        now(),
        now(),
        contract_id,
    )
    cdc.apply_pending()
    events = api.get(f"/contracts/{contract_id}/events").json()["items"]
    assert [(e["version"], e["event_type"]) for e in events] == [
        (1, "ContractMigrated"),
        (2, "ContractReplicated"),
    ]
    poll(
        lambda: api.get(f"/contracts/{contract_id}").json()["status"] == "ACTIVE", what="the contract ACTIVE"
    )
    permission = api.get(f"/permissions/{partner_id}").json()
    assert permission["can_create_campaigns"] is True and permission["max_budget_limit"] == "50000.00"

    cdc.apply_pending()  # nothing new: no event appended twice
    assert len(api.get(f"/contracts/{contract_id}/events").json()["items"]) == 2


def test_campaign_days_and_commissions_follow_with_spend_recomputed(
    legacy: str, cdc: BlueToGreen, api
) -> None:  # noqa: ANN001
    partner_id = new_partner(legacy)
    campaign_id = str(uuid.uuid4())
    sql(
        legacy,
        "INSERT INTO campaigns (id, partner_id, nombre, presupuesto, estado, fecha_inicio, fecha_fin, "
        "created_at, updated_at) VALUES (%s, %s, 'Verano', 1000.00, 'ACTIVE', '2026-06-01', '2026-08-31', "
        "%s, %s)",
        campaign_id,
        partner_id,
        now(),
        now(),
    )
    for day, spend in (("2026-06-01", "120.50"), ("2026-06-02", "79.50")):
        sql(
            legacy,
            "INSERT INTO campaign_performance (id, campaign_id, metricas, fecha) VALUES (%s, %s, %s, %s)",
            str(uuid.uuid4()),
            campaign_id,
            json.dumps(
                {
                    "impresiones": 1000,
                    "clics": 50,
                    "conversiones": 5,
                    "ingresos": 400.0,
                    "gasto": float(spend),
                }
            ),
            day,
        )
    sql(
        legacy,
        "INSERT INTO comisiones (id, partner_id, campaign_id, fecha, base, tasa, monto) "
        "VALUES (%s, %s, %s, '2026-06-01', 400.00, 0.1000, 40.00)",
        str(uuid.uuid4()),
        partner_id,
        campaign_id,
    )
    cdc.apply_pending()
    campaign = api.get(f"/campaigns/{campaign_id}").json()
    assert (campaign["name"], campaign["budget"], campaign["spent"]) == ("Verano", "1000.00", "200.00")
    performance = api.get(f"/campaigns/{campaign_id}/performance").json()
    assert [d["date"] for d in performance["series"]] == ["2026-06-01", "2026-06-02"]
    lines = api.get(f"/partners/{partner_id}/commissions").json()
    assert [(x["date"], x["commission"]) for x in lines["items"]] == [("2026-06-01", "40.00")]


def test_a_change_the_platform_refuses_is_rejected_with_its_reason_and_blocks_nothing(
    legacy: str, cdc: BlueToGreen, api
) -> None:  # noqa: ANN001
    bad = new_partner(legacy, email="not an email")
    contract_id = str(uuid.uuid4())
    sql(
        legacy,
        "INSERT INTO contratos (id, partner_id, tipo, estado, created_at, updated_at) "
        "VALUES (%s, %s, 'ESTANDAR', 'BORRADOR', %s, %s)",
        contract_id,
        bad,
        now(),
        now(),
    )
    good = new_partner(legacy)
    cdc.apply_pending()
    assert changes(legacy, bad)[-1]["outcome"] == "rejected" and "email" in changes(legacy, bad)[-1]["reason"]
    assert changes(legacy, contract_id)[-1]["outcome"] == "rejected"
    assert api.get(f"/partners/{good}").status_code == 200 and api.get(f"/partners/{bad}").status_code == 404
    assert any(r["row_id"] == bad for r in capture.rejected(psycopg.connect(legacy, row_factory=dict_row)))

    # fixed in the monolith: the partner's new state applies; a redrive then brings its contract
    sql(legacy, "UPDATE partners SET email = %s WHERE id = %s", f"{bad[:8]}@fixed.example", bad)
    cdc.apply_pending()
    assert api.get(f"/partners/{bad}").status_code == 200
    with psycopg.connect(legacy) as conn:
        assert capture.retry_rejected(conn) >= 2
    cdc.apply_pending()
    assert changes(legacy, contract_id)[-1]["outcome"] == "applied"
    poll(lambda: api.get(f"/contracts/{contract_id}").status_code == 200, what="the redriven contract")


def test_a_delete_in_the_monolith_is_rejected_not_silently_dropped(
    legacy: str, cdc: BlueToGreen, api
) -> None:  # noqa: ANN001
    partner_id = new_partner(legacy)
    campaign_id = str(uuid.uuid4())
    sql(
        legacy,
        "INSERT INTO campaigns (id, partner_id, nombre, presupuesto, estado, fecha_inicio, fecha_fin, "
        "created_at, updated_at) VALUES (%s, %s, 'Corta', 10.00, 'ACTIVE', %s, %s, %s, %s)",
        campaign_id,
        partner_id,
        date(2026, 1, 1),
        date(2026, 1, 2),
        now(),
        now(),
    )
    cdc.apply_pending()
    sql(legacy, "DELETE FROM campaigns WHERE id = %s", campaign_id)
    cdc.apply_pending()
    last = changes(legacy, campaign_id)[-1]
    assert (last["op"], last["outcome"]) == ("DELETE", "rejected") and "DELETE" in last["reason"]
    assert api.get(f"/campaigns/{campaign_id}").status_code == 200
