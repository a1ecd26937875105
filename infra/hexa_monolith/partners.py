"""Partners and their commissions, as the monolith keeps them (``partners``, ``comisiones``)."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

import psycopg
from flask import Blueprint, current_app, request

from . import requests as req
from .errors import Conflict, NotFound, invalid
from .vocabulary import PARTNER_STATES, PARTNER_TYPES, english, money, now, rate, timestamp

partners = Blueprint("partners", __name__)


def view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "partner_id": str(row["id"]),
        "name": row["nombre"],
        "email": row["email"].strip().lower(),
        "partner_type": english(PARTNER_TYPES, row["tipo"]),
        "country": (row["pais"] or "").strip().upper(),
        "tax_id": row["identificacion_fiscal"],
        "phone": row["telefono"],
        "commission_rate": rate(row["tasa_comision"]),
        "status": english(PARTNER_STATES, row["estado"]),
        "created_at": timestamp(row["created_at"]),
        "updated_at": timestamp(row["updated_at"]),
    }


def load(conn: Any, partner_id: str, *, lock: bool = False) -> dict[str, Any]:
    req.caller().require_partner(partner_id, "partner")
    row = (
        conn.execute(
            "SELECT * FROM partners WHERE id = %s" + (" FOR UPDATE" if lock else ""), (partner_id,)
        ).fetchone()
        if req.UUID.fullmatch(partner_id)
        else None
    )
    if row is None:
        raise NotFound("partner not found")
    return row


def _rate(data: dict[str, Any]) -> Decimal:
    value = data.get("commission_rate", "0.10")
    try:
        parsed = Decimal(value) if isinstance(value, str) else Decimal("nan")
    except InvalidOperation:
        parsed = Decimal("nan")
    if (
        not parsed.is_finite()
        or not Decimal(0) <= parsed <= Decimal("0.5")
        or parsed.as_tuple().exponent < -4
    ):
        raise invalid("commission_rate", 'must be a decimal string between "0" and "0.5"')
    return parsed


@partners.post("/partners")
def register() -> tuple[dict[str, Any], int]:
    req.caller().require_admin()
    data = req.body("name", "email", "partner_type", "country", "tax_id", "phone", "commission_rate")
    country = req.text(data, "country", max_length=2)
    row = {
        "id": str(uuid.uuid4()),
        "nombre": req.text(data, "name"),
        "email": req.text(data, "email"),
        "tipo": req.choice(data, "partner_type", PARTNER_TYPES),
        "pais": country.upper(),
        "telefono": req.text(data, "phone", required=False, max_length=40),
        "identificacion_fiscal": req.text(data, "tax_id", required=False, max_length=40),
        "tasa_comision": _rate(data),
        "estado": "ACTIVO",
        "created_at": now(),
        "updated_at": now(),
    }
    if "@" not in row["email"]:
        raise invalid("email", "not a valid email address")
    with current_app.db.transaction() as conn:
        try:
            conn.execute(
                "INSERT INTO partners (id, nombre, email, tipo, pais, telefono, identificacion_fiscal, "
                "tasa_comision, estado, created_at, updated_at) VALUES (%(id)s, %(nombre)s, %(email)s, "
                "%(tipo)s, %(pais)s, %(telefono)s, %(identificacion_fiscal)s, %(tasa_comision)s, "
                "%(estado)s, %(created_at)s, %(updated_at)s)",
                row,
            )
        except psycopg.errors.UniqueViolation:
            raise Conflict(f"a partner with email {row['email']} already exists") from None
    return view(row), 201


@partners.get("/partners")
def list_all() -> dict[str, Any]:
    limit, after = req.page()
    status, kind = request.args.get("status"), request.args.get("partner_type")
    where, params = ["id > %s"], [after]
    scope = req.caller().scope(None)
    if scope:
        where.append("id = %s")
        params.append(scope)
    if status:
        where.append("upper(btrim(estado)) = %s")
        params.append(next((k for k, v in PARTNER_STATES.items() if v == status), status))
    if kind:
        where.append("upper(btrim(tipo)) = %s")
        params.append(next((k for k, v in PARTNER_TYPES.items() if v == kind), kind))
    with current_app.db.transaction() as conn:
        rows = conn.execute(
            f"SELECT * FROM partners WHERE {' AND '.join(where)} ORDER BY id LIMIT %s", (*params, limit)
        ).fetchall()
    return {"items": [view(r) for r in rows], "next_token": req.next_token(rows, limit)}


@partners.get("/partners/<partner_id>")
def get_one(partner_id: str) -> dict[str, Any]:
    with current_app.db.transaction() as conn:
        return view(load(conn, partner_id))


@partners.patch("/partners/<partner_id>")
def update(partner_id: str) -> dict[str, Any]:
    data = req.body("name", "phone", "commission_rate", "tax_id")
    with current_app.db.transaction() as conn:
        row = load(conn, partner_id, lock=True)
        if english(PARTNER_STATES, row["estado"]) == "DEACTIVATED":
            raise Conflict("a deactivated partner cannot be changed")
        changes = {
            "nombre": req.text(data, "name") if "name" in data else row["nombre"],
            "telefono": req.text(data, "phone", required=False, max_length=40)
            if "phone" in data
            else row["telefono"],
            "identificacion_fiscal": req.text(data, "tax_id", required=False, max_length=40)
            if "tax_id" in data
            else row["identificacion_fiscal"],
            "tasa_comision": _rate(data) if "commission_rate" in data else row["tasa_comision"],
        }
        updated = conn.execute(
            "UPDATE partners SET nombre = %(nombre)s, telefono = %(telefono)s, "
            "identificacion_fiscal = %(identificacion_fiscal)s, tasa_comision = %(tasa_comision)s, "
            "updated_at = %(now)s WHERE id = %(id)s RETURNING *",
            {**changes, "now": now(), "id": partner_id},
        ).fetchone()
    return view(updated)


@partners.post("/partners/<partner_id>/deactivate")
def deactivate(partner_id: str) -> dict[str, Any]:
    req.caller().require_admin()
    with current_app.db.transaction() as conn:
        row = load(conn, partner_id, lock=True)
        if english(PARTNER_STATES, row["estado"]) == "DEACTIVATED":
            raise Conflict("partner is already deactivated")
        updated = conn.execute(
            "UPDATE partners SET estado = 'INACTIVO', updated_at = %s WHERE id = %s RETURNING *",
            (now(), partner_id),
        ).fetchone()
        conn.execute(
            "UPDATE contratos SET estado = 'TERMINADO', motivo_terminacion = 'partner deactivated', "
            "updated_at = %s WHERE partner_id = %s AND upper(btrim(estado)) <> 'TERMINADO'",
            (now(), partner_id),
        )
    return view(updated)


@partners.get("/partners/<partner_id>/commissions")
def commissions(partner_id: str) -> dict[str, Any]:
    limit, after = req.page()
    start, end = request.args.get("from"), request.args.get("to")
    bounds = [req.day(start, "from") if start else "1970-01-01", req.day(end, "to") if end else "2099-12-31"]
    with current_app.db.transaction() as conn:
        load(conn, partner_id)
        rows = conn.execute(
            "SELECT * FROM comisiones WHERE partner_id = %s AND fecha BETWEEN %s AND %s AND id > %s "
            "ORDER BY id LIMIT %s",
            (partner_id, *bounds, after, limit),
        ).fetchall()
        total = conn.execute(
            "SELECT coalesce(sum(monto), 0) AS total FROM comisiones WHERE partner_id = %s "
            "AND fecha BETWEEN %s AND %s",
            (partner_id, *bounds),
        ).fetchone()["total"]
    lines = sorted(rows, key=lambda r: (r["fecha"], str(r["campaign_id"])))
    return {
        "partner_id": partner_id,
        "total": money(total),
        "next_token": req.next_token(rows, limit),
        "items": [
            {
                "campaign_id": str(r["campaign_id"]),
                "date": r["fecha"].isoformat(),
                "revenue": money(r["base"]),
                "commission_rate": rate(r["tasa"]),
                "commission": money(r["monto"]),
            }
            for r in lines
        ],
    }
