"""The monolith's tables as the green -> blue writer writes them (PostgreSQL, psycopg 3).

Every write is one transaction that:

- sets ``hexa.origin = 'green'`` (``SET LOCAL``): the change-capture triggers skip it, so a change
  never travels back to the platform it came from;
- for a versioned record (partner, contract, campaign) keeps the newest version written in
  ``hexa_cdc.from_green`` and skips an older or equal one (a redelivered or replayed record);
- upserts the row: by id, or for a campaign day and a ledger line (which the monolith keyed by id
  but means per campaign and day) the newest row of that natural key, else a new row.

A partner's email keeps the monolith's spelling when it is the same address (the platform stores it in
lower case); a contract's signing and activation times are never replaced once set.
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from typing import Any, Callable

import psycopg
from psycopg.types.json import Jsonb

from .rows import LegacyRow

log = logging.getLogger("hexa.legacy_writer")
WRITTEN, OLDER = "written", "older"

# column -> SQL for ON CONFLICT ... DO UPDATE (default: the new value)
_KEEP = {
    "partners": {
        "email": "CASE WHEN lower(t.email) = lower(EXCLUDED.email) THEN t.email ELSE EXCLUDED.email END"
    },
    "contratos": {
        "fecha_firma": "coalesce(t.fecha_firma, EXCLUDED.fecha_firma)",
        "fecha_activacion": "coalesce(t.fecha_activacion, EXCLUDED.fecha_activacion)",
    },
    "comisiones": {"created_at": "t.created_at"},
}
_TRANSIENT = (
    psycopg.OperationalError,
    psycopg.errors.ForeignKeyViolation,
    psycopg.errors.SerializationFailure,
    psycopg.errors.DeadlockDetected,
    psycopg.errors.LockNotAvailable,
    psycopg.errors.UndefinedTable,
)


class LegacyNotConfigured(Exception):
    """No connection string yet (the stack's LegacyDatabaseSecret is still empty)."""


def is_transient(error: BaseException) -> bool:
    """Worth retrying in order: the database unreachable or busy, a parent row not written yet (its
    own stream is behind: a foreign key), the capture schema not installed yet, no DSN configured."""
    return isinstance(error, _TRANSIENT + (LegacyNotConfigured,))


class LegacyTables:
    def __init__(self, connect: Callable[[], psycopg.Connection]) -> None:
        self._connect = connect
        self._conn: psycopg.Connection | None = None

    def write(self, row: LegacyRow) -> str:
        conn = self._connection()
        try:
            with conn.transaction():
                conn.execute("SELECT set_config('hexa.origin', 'green', true)")
                if row.version is not None and self._newer_written(conn, row):
                    return OLDER
                if row.natural_key:
                    self._upsert_by_natural_key(conn, row)
                else:
                    self._upsert(conn, row.table, {"id": row.row_id, **row.values})
                conn.execute(
                    "INSERT INTO hexa_cdc.from_green (table_name, row_id, marker) VALUES (%s, %s, %s) "
                    "ON CONFLICT (table_name, row_id) DO UPDATE SET marker = EXCLUDED.marker, "
                    "written_at = clock_timestamp()",
                    (row.table, row.row_id, str(row.version or 0)),
                )
            return WRITTEN
        except psycopg.OperationalError:
            self.close()  # a broken connection is replaced on the next write
            raise

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> psycopg.Connection:
        if self._conn is None or self._conn.closed or self._conn.broken:
            self._conn = self._connect()
        return self._conn

    @staticmethod
    def _newer_written(conn: psycopg.Connection, row: LegacyRow) -> bool:
        found = conn.execute(
            "SELECT marker FROM hexa_cdc.from_green WHERE table_name = %s AND row_id = %s FOR UPDATE",
            (row.table, row.row_id),
        ).fetchone()
        return found is not None and int(found[0]) >= int(row.version or 0)

    @staticmethod
    def _upsert(conn: psycopg.Connection, table: str, values: dict[str, Any]) -> None:
        columns = list(values)
        updates = ", ".join(
            f"{c} = {_KEEP.get(table, {}).get(c, f'EXCLUDED.{c}')}" for c in columns if c != "id"
        )
        placeholders = ", ".join(["%s"] * len(columns))
        conn.execute(
            f"INSERT INTO public.{table} AS t ({', '.join(columns)}) VALUES ({placeholders}) "
            f"ON CONFLICT (id) DO UPDATE SET {updates}",
            [_adapted(values[c]) for c in columns],
        )

    def _upsert_by_natural_key(self, conn: psycopg.Connection, row: LegacyRow) -> None:
        where = " AND ".join(f"{c} = %s" for c in row.natural_key)
        found = conn.execute(
            f"SELECT id FROM public.{row.table} WHERE {where} ORDER BY created_at DESC NULLS LAST, "
            f"id DESC LIMIT 1 FOR UPDATE",
            list(row.natural_key.values()),
        ).fetchone()
        self._upsert(conn, row.table, {"id": found[0] if found else row.row_id, **row.values})


def _adapted(value: Any) -> Any:
    if isinstance(value, dict):
        return Jsonb(value, dumps=lambda obj: json.dumps(obj, default=_number))
    return value


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")
