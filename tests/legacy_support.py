"""The monolith's tables from the tests: SQL on a legacy database, and rows written as the monolith would."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.rows import dict_row


def sql(dsn: str, query: str, *params: Any, origin: str | None = None) -> list[dict[str, Any]]:
    with psycopg.connect(dsn, row_factory=dict_row) as conn:
        if origin:
            conn.execute("SELECT set_config('hexa.origin', %s, true)", (origin,))
        cursor = conn.execute(query, params or None)
        return cursor.fetchall() if cursor.description else []


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_partner(dsn: str, **overrides: Any) -> str:
    partner_id = str(uuid.uuid4())
    row = {
        "id": partner_id,
        "nombre": "Acme Ibérica",
        "email": f"{partner_id[:8]}@acme.example",
        "tipo": "EMPRESA",
        "pais": "ES",
        "telefono": None,
        "identificacion_fiscal": None,
        "tasa_comision": Decimal("0.1000"),
        "estado": "ACTIVO",
        "created_at": now(),
        "updated_at": now(),
        **overrides,
    }
    sql(
        dsn, f"INSERT INTO partners ({', '.join(row)}) VALUES ({', '.join(['%s'] * len(row))})", *row.values()
    )
    return partner_id


def changes(dsn: str, row_id: str) -> list[dict[str, Any]]:
    return sql(
        dsn, "SELECT seq, op, outcome, reason FROM hexa_cdc.changes WHERE row_id = %s ORDER BY seq", row_id
    )
