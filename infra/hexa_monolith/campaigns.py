"""Campaigns, their daily performance and the permissions contracts give, as the monolith keeps them.

Performance is appended (a correction is a new row; the latest per day is the truth), the spend is
the sum of each day's latest ``gasto``, and each day's commission row is replaced with
``round(ingresos × tasa, 2)``. The monolith never enforced budget limits: it does not now either.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, current_app, request

from . import requests as req
from .errors import Forbidden, IllegalTransition, NotFound, invalid
from .vocabulary import LIMITS, money, now, timestamp

campaigns = Blueprint("campaigns", __name__)
STATES = ("ACTIVE", "PAUSED", "COMPLETED", "CANCELLED")
LATEST_DAYS = (
    "SELECT DISTINCT ON (fecha) fecha, metricas FROM campaign_performance WHERE campaign_id = %s "
    "AND fecha IS NOT NULL ORDER BY fecha, created_at DESC"
)


def _metric(metrics: Any, key: str) -> Decimal:
    values = metrics if isinstance(metrics, dict) else json.loads(metrics or "{}")
    return Decimal(str(values.get(key) or 0))


def spent(conn: Any, campaign_id: str) -> Decimal:
    return sum(
        (_metric(r["metricas"], "gasto") for r in conn.execute(LATEST_DAYS, (campaign_id,))), Decimal(0)
    )


def view(conn: Any, row: dict[str, Any]) -> dict[str, Any]:
    used = spent(conn, str(row["id"]))
    return {
        "campaign_id": str(row["id"]),
        "partner_id": str(row["partner_id"]),
        "name": row["nombre"],
        "description": row["descripcion"] or "",
        "budget": money(row["presupuesto"]),
        "status": (row["estado"] or "").strip().upper(),
        "start_date": row["fecha_inicio"].isoformat(),
        "end_date": row["fecha_fin"].isoformat(),
        "spent": money(used),
        "budget_exhausted": row["presupuesto"] is not None and used >= row["presupuesto"],
        "created_at": timestamp(row["created_at"]),
        "updated_at": timestamp(row["updated_at"]),
    }


def permission(conn: Any, partner_id: str) -> dict[str, Any]:
    best = conn.execute(
        "SELECT c.id, upper(btrim(c.tipo)) AS tipo FROM contratos c JOIN partners p ON p.id = c.partner_id "
        "WHERE c.partner_id = %s AND upper(btrim(c.estado)) = 'ACTIVO' AND upper(btrim(p.estado)) = "
        "'ACTIVO'",
        (partner_id,),
    ).fetchall()
    granting = sorted(
        (row for row in best if row["tipo"] in LIMITS), key=lambda r: (-LIMITS[r["tipo"]], str(r["id"]))
    )
    if not granting:
        return {
            "partner_id": partner_id,
            "can_create_campaigns": False,
            "max_budget_limit": "0.00",
            "contract_id": None,
        }
    return {
        "partner_id": partner_id,
        "can_create_campaigns": True,
        "max_budget_limit": money(LIMITS[granting[0]["tipo"]]),
        "contract_id": str(granting[0]["id"]),
    }


def load(conn: Any, campaign_id: str, *, lock: bool = False) -> dict[str, Any]:
    row = (
        conn.execute(
            "SELECT * FROM campaigns WHERE id = %s" + (" FOR UPDATE" if lock else ""), (campaign_id,)
        ).fetchone()
        if req.UUID.fullmatch(campaign_id)
        else None
    )
    if row is None:
        raise NotFound("campaign not found")
    req.caller().require_partner(str(row["partner_id"]), "campaign")
    return row


@campaigns.get("/permissions/<partner_id>")
def get_permission(partner_id: str) -> dict[str, Any]:
    req.caller().require_partner(partner_id, "partner")
    with current_app.db.transaction() as conn:
        return permission(conn, partner_id)


def _dates(data: dict[str, Any], row: dict[str, Any] | None = None) -> tuple[date, date]:
    start = (
        date.fromisoformat(req.day(data["start_date"], "start_date"))
        if "start_date" in data
        else row["fecha_inicio"]
    )
    end = (
        date.fromisoformat(req.day(data["end_date"], "end_date")) if "end_date" in data else row["fecha_fin"]
    )
    if end < start:
        raise invalid("end_date", "must not be before start_date")
    return start, end


@campaigns.post("/campaigns")
def create() -> tuple[dict[str, Any], int]:
    req.caller().require_admin()
    data = req.body("partner_id", "name", "description", "budget", "start_date", "end_date")
    partner_id = req.uuid(data.get("partner_id"), "partner_id")
    name, budget = req.text(data, "name"), req.amount(data, "budget")
    description = req.text(data, "description", required=False, max_length=10_000) or ""
    if "start_date" not in data or "end_date" not in data:
        raise invalid("start_date" if "start_date" not in data else "end_date", "is required")
    start, end = _dates(data)
    with current_app.db.transaction() as conn:
        if not permission(conn, partner_id)["can_create_campaigns"]:
            raise Forbidden("the partner has no active contract that allows campaigns")
        row = conn.execute(
            "INSERT INTO campaigns (id, partner_id, nombre, descripcion, presupuesto, estado, fecha_inicio, "
            "fecha_fin, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, 'ACTIVE', %s, %s, %s, %s) "
            "RETURNING *",
            (str(uuid.uuid4()), partner_id, name, description, budget, start, end, now(), now()),
        ).fetchone()
        return view(conn, row), 201


@campaigns.get("/campaigns")
def list_all() -> dict[str, Any]:
    limit, after = req.page()
    where, params = ["id > %s"], [after]
    partner = req.caller().scope(request.args.get("partner_id"))
    if partner:
        where.append("partner_id = %s")
        params.append(req.uuid(partner, "partner_id"))
    if request.args.get("status"):
        where.append("upper(btrim(estado)) = %s")
        params.append(request.args["status"])
    with current_app.db.transaction() as conn:
        rows = conn.execute(
            f"SELECT * FROM campaigns WHERE {' AND '.join(where)} ORDER BY id LIMIT %s", (*params, limit)
        ).fetchall()
        return {"items": [view(conn, r) for r in rows], "next_token": req.next_token(rows, limit)}


@campaigns.get("/campaigns/<campaign_id>")
def get_one(campaign_id: str) -> dict[str, Any]:
    with current_app.db.transaction() as conn:
        return view(conn, load(conn, campaign_id))


@campaigns.patch("/campaigns/<campaign_id>")
def edit(campaign_id: str) -> dict[str, Any]:
    req.caller().require_admin()
    data = req.body("name", "description", "budget", "start_date", "end_date")
    with current_app.db.transaction() as conn:
        row = load(conn, campaign_id, lock=True)
        if (row["estado"] or "").strip().upper() not in ("ACTIVE", "PAUSED"):
            raise IllegalTransition(f"a {row['estado']} campaign cannot be edited")
        start, end = _dates(data, row)
        updated = conn.execute(
            "UPDATE campaigns SET nombre = %s, descripcion = %s, presupuesto = %s, fecha_inicio = %s, "
            "fecha_fin = %s, "
            "updated_at = %s WHERE id = %s RETURNING *",
            (
                req.text(data, "name") if "name" in data else row["nombre"],
                req.text(data, "description", required=False, max_length=10_000)
                if "description" in data
                else row["descripcion"],
                req.amount(data, "budget") if "budget" in data else row["presupuesto"],
                start,
                end,
                now(),
                campaign_id,
            ),
        ).fetchone()
        return view(conn, updated)


TRANSITIONS = {
    "pause": (("ACTIVE",), "PAUSED"),
    "resume": (("PAUSED",), "ACTIVE"),
    "complete": (("ACTIVE", "PAUSED"), "COMPLETED"),
    "cancel": (("ACTIVE", "PAUSED"), "CANCELLED"),
}


@campaigns.post("/campaigns/<campaign_id>/<action>")
def lifecycle(campaign_id: str, action: str) -> dict[str, Any]:
    if action not in TRANSITIONS:
        raise NotFound(f"no route for POST /campaigns/{{campaign_id}}/{action}")
    req.caller().require_admin()
    allowed, target = TRANSITIONS[action]
    with current_app.db.transaction() as conn:
        row = load(conn, campaign_id, lock=True)
        if (row["estado"] or "").strip().upper() not in allowed:
            raise IllegalTransition(f"cannot {action} a {(row['estado'] or '').strip().upper()} campaign")
        updated = conn.execute(
            "UPDATE campaigns SET estado = %s, updated_at = %s WHERE id = %s RETURNING *",
            (target, now(), campaign_id),
        ).fetchone()
        return view(conn, updated)


@campaigns.put("/campaigns/<campaign_id>/performance/<day>")
def record(campaign_id: str, day: str) -> dict[str, Any]:
    req.caller().require_admin()
    when = req.day(day, "date")
    data = req.body("impressions", "clicks", "conversions", "revenue", "spend")
    metrics = {
        "impresiones": req.count(data, "impressions"),
        "clics": req.count(data, "clicks"),
        "conversiones": req.count(data, "conversions"),
        "ingresos": req.amount(data, "revenue"),
        "gasto": req.amount(data, "spend"),
    }
    with current_app.db.transaction() as conn:
        row = load(conn, campaign_id, lock=True)
        conn.execute(
            "INSERT INTO campaign_performance (id, campaign_id, metricas, fecha, created_at) "
            "VALUES (%s, %s, %s, %s, %s)",
            (str(uuid.uuid4()), campaign_id, json.dumps(metrics), when, now()),
        )
        rate = conn.execute(
            "SELECT tasa_comision FROM partners WHERE id = %s", (row["partner_id"],)
        ).fetchone()
        conn.execute(
            "DELETE FROM comisiones WHERE partner_id = %s AND campaign_id = %s AND fecha = %s",
            (row["partner_id"], campaign_id, when),
        )
        if rate is not None:
            base = Decimal(metrics["ingresos"])
            conn.execute(
                "INSERT INTO comisiones (id, partner_id, campaign_id, fecha, base, tasa, monto, created_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, round(%s::numeric * %s::numeric, 2), %s)",
                (
                    str(uuid.uuid4()),
                    row["partner_id"],
                    campaign_id,
                    when,
                    base,
                    rate["tasa_comision"],
                    base,
                    rate["tasa_comision"],
                    now(),
                ),
            )
        campaign = view(conn, row)
    shown = {
        "impressions": metrics["impresiones"],
        "clicks": metrics["clics"],
        "conversions": metrics["conversiones"],
        "revenue": money(metrics["ingresos"]),
        "spend": money(metrics["gasto"]),
    }
    return {"campaign": campaign, "date": when, "metrics": shown}


@campaigns.get("/campaigns/<campaign_id>/performance")
def report(campaign_id: str) -> dict[str, Any]:
    start = req.day(request.args["from"], "from") if request.args.get("from") else "1970-01-01"
    end = req.day(request.args["to"], "to") if request.args.get("to") else "2099-12-31"
    with current_app.db.transaction() as conn:
        row = load(conn, campaign_id)
        days = [
            r for r in conn.execute(LATEST_DAYS, (campaign_id,)) if start <= r["fecha"].isoformat() <= end
        ]
        used = spent(conn, campaign_id)
    series = [
        {
            "date": r["fecha"].isoformat(),
            "impressions": int(_metric(r["metricas"], "impresiones")),
            "clicks": int(_metric(r["metricas"], "clics")),
            "conversions": int(_metric(r["metricas"], "conversiones")),
            "revenue": money(_metric(r["metricas"], "ingresos")),
            "spend": money(_metric(r["metricas"], "gasto")),
        }
        for r in days
    ]
    totals = {k: sum(int(d[k]) for d in series) for k in ("impressions", "clicks", "conversions")}
    revenue, spend = (sum((Decimal(d[k]) for d in series), Decimal(0)) for k in ("revenue", "spend"))
    ratio = lambda a, b: None if not b else str((Decimal(a) / Decimal(b)).quantize(Decimal("0.0001")))  # noqa: E731
    return {
        "campaign_id": campaign_id,
        "series": series,
        "totals": {**totals, "revenue": money(revenue), "spend": money(spend)},
        "ctr": ratio(totals["clicks"], totals["impressions"]),
        "conversion_rate": ratio(totals["conversions"], totals["clicks"]),
        "cpa": None if not totals["conversions"] else money(spend / totals["conversions"]),
        "roi": ratio(revenue - spend, spend),
        "budget_remaining": money(Decimal(row["presupuesto"] or 0) - used),
    }
