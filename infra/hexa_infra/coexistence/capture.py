"""The change table in the monolith's database (``hexa_cdc``): installing the capture, reading what
is pending in commit order, recording what was applied, and the lag of the blue -> green direction.

Nothing here touches the legacy tables' data: capture.sql adds a trigger per table and a schema of
our own; :func:`uninstall` removes both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from importlib import resources
from typing import Any, Iterable

import psycopg

from hexa_infra.migration.legacy_db import LEGACY_TABLES, check_schema

SCHEMA = "hexa_cdc"
CHANNEL = "hexa_cdc"
APPLIED, UNCHANGED, SUPERSEDED, SKIPPED, REJECTED = (
    "applied",
    "unchanged",
    "superseded",
    "skipped",
    "rejected",
)


@dataclass(frozen=True)
class Change:
    seq: int
    table: str
    op: str
    row_id: str
    partner_id: str | None
    state: dict[str, Any]  # the row as to_jsonb wrote it: numbers as Decimal, timestamps as ISO text
    captured_at: datetime


@dataclass(frozen=True)
class Result:
    change: Change
    outcome: str  # applied | unchanged | superseded | skipped | rejected
    reason: str | None = None


def install(conn: psycopg.Connection) -> None:
    """Idempotent: the schema, the change table and a trigger on each legacy table."""
    check_schema(conn)
    sql = resources.files("hexa_infra.coexistence").joinpath("capture.sql").read_text()
    with conn.transaction():
        conn.execute(sql)


def installed(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT count(*) AS n FROM pg_trigger WHERE tgname = 'hexa_cdc_capture'").fetchone()
    return _first(row) == len(LEGACY_TABLES)


def uninstall(conn: psycopg.Connection) -> None:
    """The triggers and the hexa_cdc schema (with every recorded change) go; the legacy data stays."""
    with conn.transaction():
        for table in LEGACY_TABLES:
            conn.execute(f"DROP TRIGGER IF EXISTS hexa_cdc_capture ON public.{table}")
        conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


def pending(conn: psycopg.Connection, limit: int) -> list[Change]:
    """The oldest unapplied changes, in capture order (per row that is commit order: a row's next
    change waits for the lock the previous one held until it committed)."""
    rows = conn.execute(
        f"SELECT seq, table_name, op, row_id::text, partner_id::text, state::text, captured_at "
        f"FROM {SCHEMA}.changes WHERE applied_at IS NULL ORDER BY seq LIMIT %s",
        (limit,),
    ).fetchall()
    return [
        Change(
            _value(r, 0, "seq"),
            _value(r, 1, "table_name"),
            _value(r, 2, "op"),
            _value(r, 3, "row_id"),
            _value(r, 4, "partner_id"),
            json.loads(_value(r, 5, "state"), parse_float=Decimal),
            _value(r, 6, "captured_at"),
        )
        for r in rows
    ]


def newest_applied(conn: psycopg.Connection, changes: Iterable[Change]) -> dict[tuple[str, str], int]:
    """(table, row id) -> the seq of the newest change of that row already applied."""
    keys = {(c.table, c.row_id) for c in changes}
    if not keys:
        return {}
    tables, ids = zip(*keys)
    rows = conn.execute(
        f"SELECT a.table_name, a.row_id::text, a.seq FROM {SCHEMA}.applied a "
        f"JOIN unnest(%s::text[], %s::uuid[]) AS k(t, id) ON a.table_name = k.t AND a.row_id = k.id",
        (list(tables), list(ids)),
    ).fetchall()
    return {(_value(r, 0, "table_name"), _value(r, 1, "row_id")): _value(r, 2, "seq") for r in rows}


def record(conn: psycopg.Connection, results: list[Result]) -> None:
    """Mark changes done (one transaction) and move each applied row's newest seq forward."""
    if not results:
        return
    with conn.transaction():
        conn.execute(
            f"UPDATE {SCHEMA}.changes c SET applied_at = clock_timestamp(), outcome = r.outcome, "
            f"reason = r.reason FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS r(seq, outcome, reason) "
            f"WHERE c.seq = r.seq",
            ([r.change.seq for r in results], [r.outcome for r in results], [r.reason for r in results]),
        )
        done = [r.change for r in results if r.outcome in (APPLIED, UNCHANGED)]
        if done:
            conn.execute(
                f"INSERT INTO {SCHEMA}.applied (table_name, row_id, seq) "
                f"SELECT * FROM unnest(%s::text[], %s::uuid[], %s::bigint[]) "
                f"ON CONFLICT (table_name, row_id) DO UPDATE SET seq = GREATEST({SCHEMA}.applied.seq, "
                f"EXCLUDED.seq)",
                ([c.table for c in done], [c.row_id for c in done], [c.seq for c in done]),
            )


def has_pending(conn: psycopg.Connection, table: str, row_id: str) -> bool:
    row = conn.execute(
        f"SELECT EXISTS (SELECT 1 FROM {SCHEMA}.changes WHERE applied_at IS NULL AND table_name = %s "
        f"AND row_id = %s) AS yes",
        (table, row_id),
    ).fetchone()
    return bool(_first(row))


@dataclass(frozen=True)
class Backlog:
    pending: int
    lag_seconds: float  # age of the oldest unapplied change (0 when none)
    rejected: int
    newest_seq: int


def backlog(conn: psycopg.Connection) -> Backlog:
    row = conn.execute(
        f"SELECT count(*) FILTER (WHERE applied_at IS NULL) AS pending, "
        f"coalesce(extract(epoch FROM clock_timestamp() - min(captured_at) FILTER (WHERE applied_at IS "
        f"NULL)), 0) AS lag, count(*) FILTER (WHERE outcome = 'rejected') AS rejected, "
        f"coalesce(max(seq), 0) AS newest FROM {SCHEMA}.changes"
    ).fetchone()
    return Backlog(
        int(_value(row, 0, "pending")),
        float(_value(row, 1, "lag")),
        int(_value(row, 2, "rejected")),
        int(_value(row, 3, "newest")),
    )


def pending_partners(conn: psycopg.Connection, up_to_seq: int | None = None) -> list[str | None]:
    """The partners of changes still unapplied (captured up to ``up_to_seq``), one entry per change."""
    rows = conn.execute(
        f"SELECT partner_id::text FROM {SCHEMA}.changes WHERE applied_at IS NULL"
        + (" AND seq <= %s" if up_to_seq is not None else ""),
        (up_to_seq,) if up_to_seq is not None else None,
    ).fetchall()
    return [_value(r, 0, "partner_id") for r in rows]


def rejected(
    conn: psycopg.Connection, limit: int = 20, since: datetime | None = None
) -> list[dict[str, Any]]:
    rows = conn.execute(
        f"SELECT seq, table_name, op, row_id::text AS row_id, reason, applied_at FROM {SCHEMA}.changes "
        f"WHERE outcome = 'rejected'"
        + (" AND applied_at >= %s" if since else "")
        + " ORDER BY seq DESC LIMIT %s",
        ((since, limit) if since else (limit,)),
    ).fetchall()
    return [
        dict(r)
        if isinstance(r, dict)
        else dict(zip(("seq", "table_name", "op", "row_id", "reason", "applied_at"), r))
        for r in rows
    ]


def retry_rejected(conn: psycopg.Connection) -> int:
    """Redrive: every rejected change becomes pending again (after the data or the code was fixed)."""
    with conn.transaction():
        cursor = conn.execute(
            f"UPDATE {SCHEMA}.changes SET applied_at = NULL, outcome = NULL, reason = NULL "
            f"WHERE outcome = 'rejected'"
        )
        return cursor.rowcount


def _value(row: Any, index: int, name: str) -> Any:
    return row[name] if isinstance(row, dict) else row[index]


def _first(row: Any) -> Any:
    return next(iter(row.values())) if isinstance(row, dict) else row[0]
