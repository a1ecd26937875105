"""The monolith's PostgreSQL, read-only for its tables: connecting, checking, streaming.

Connection problems and a database that is not the monolith's become one clear line
(:class:`LegacyError`), never a traceback. Reads stream through server-side cursors, so memory stays
flat whatever the table size. The migration keeps its own bookkeeping (plans, checkpoints) in the
schema ``hexa_migration``; the legacy tables are never altered.
"""

from __future__ import annotations

from contextlib import contextmanager
from itertools import islice
from typing import Any, Iterator

import psycopg
from psycopg.rows import dict_row

LEGACY_TABLES = ("partners", "contratos", "campaigns", "campaign_performance", "comisiones")
OWN_SCHEMA = "hexa_migration"
STREAM_ROWS = 2000  # rows fetched per round trip from a server-side cursor


class LegacyError(RuntimeError):
    """Something about the legacy database a person must fix; its message is one line."""


def connect(dsn: str | None, *, autocommit: bool = True) -> psycopg.Connection:
    if not dsn:
        raise LegacyError("no legacy database: pass --legacy-dsn or set LEGACY_DATABASE_URL")
    try:
        return psycopg.connect(
            dsn,
            autocommit=autocommit,
            row_factory=dict_row,
            connect_timeout=10,
            application_name="hexa-migrate",
        )
    except psycopg.OperationalError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise LegacyError(f"cannot connect to the legacy database ({_redacted(dsn)}): {first}") from None
    except psycopg.ProgrammingError as error:
        raise LegacyError(f"not a PostgreSQL connection string ({_redacted(dsn)}): {error}") from None


def _redacted(dsn: str) -> str:
    """The DSN without its password (a secret must not reach a log or a terminal)."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "an unreadable DSN"
    info.pop("password", None)
    return " ".join(f"{k}={v}" for k, v in sorted(info.items()))


def check_schema(conn: psycopg.Connection) -> None:
    """The five legacy tables, with the columns the mapping reads; otherwise a clear error."""
    present = {
        row["table_name"]: set(row["columns"])
        for row in conn.execute(
            "SELECT table_name, array_agg(column_name::text) AS columns FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = ANY(%s) GROUP BY table_name",
            (list(LEGACY_TABLES),),
        )
    }
    missing = [t for t in LEGACY_TABLES if t not in present]
    if len(missing) == len(LEGACY_TABLES):
        raise LegacyError(
            "this database has none of the monolith's tables (partners, contratos, campaigns, "
            "campaign_performance, comisiones): wrong database?"
        )
    if missing:
        raise LegacyError(f"the legacy schema is incomplete: no table {', '.join(missing)}")
    expected = {
        "partners": {"id", "nombre", "email", "tipo", "pais", "estado", "tasa_comision"},
        "contratos": {"id", "partner_id", "tipo", "estado", "terminos"},
        "campaigns": {"id", "partner_id", "nombre", "presupuesto", "estado", "fecha_inicio", "fecha_fin"},
        "campaign_performance": {"id", "campaign_id", "metricas", "fecha"},
        "comisiones": {"id", "partner_id", "campaign_id", "fecha", "base", "tasa", "monto"},
    }
    for table, columns in expected.items():
        lacking = sorted(columns - present[table])
        if lacking:
            raise LegacyError(
                f"legacy table {table} lacks column(s) {', '.join(lacking)}: not the monolith's schema"
            )


def ensure_own_schema(conn: psycopg.Connection) -> None:
    conn.execute(f"""
        CREATE SCHEMA IF NOT EXISTS {OWN_SCHEMA};
        CREATE TABLE IF NOT EXISTS {OWN_SCHEMA}.checkpoints (
            target text NOT NULL, phase text NOT NULL, range_start text NOT NULL, last_id uuid,
            done boolean NOT NULL DEFAULT false, rows bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (target, phase, range_start));
    """)


def plan_table(conn: psycopg.Connection, name: str) -> str:
    """A plan table (``outcomes`` for load, ``expected`` for verify): one row per legacy row."""
    qualified = f"{OWN_SCHEMA}.{name}"
    ensure_own_schema(conn)
    conn.execute(f"""
        CREATE TABLE IF NOT EXISTS {qualified} (
            legacy_table text NOT NULL, legacy_id uuid NOT NULL, outcome text NOT NULL, reason text,
            into_id uuid, parent_id uuid, facts jsonb, PRIMARY KEY (legacy_table, legacy_id));
    """)
    return qualified


def stream(conn: psycopg.Connection, sql: str, params: Any = None) -> Iterator[dict[str, Any]]:
    """Rows of ``sql`` through a server-side cursor (flat memory), in a read-only transaction."""
    with conn.transaction(), conn.cursor(name=f"hexa_{id(sql)}", row_factory=dict_row) as cursor:
        cursor.itersize = STREAM_ROWS
        cursor.execute(sql, params)
        yield from cursor


def chunks(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    """A stream in lists of ``size`` (the last one shorter)."""
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


@contextmanager
def session(dsn: str | None) -> Iterator[psycopg.Connection]:
    conn = connect(dsn)
    try:
        check_schema(conn)
        yield conn
    finally:
        conn.close()
