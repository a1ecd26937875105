"""Helpers of the migration suites: the legacy database by SQL, `hexa` against a platform of its own, and
a row's outcome in a verify report."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row

from support import run_hexa

PARTNERS = 40  # the dirty monolith the load-and-verify scenario migrates


def sql(dsn: str, query: str, *params: Any) -> list[dict[str, Any]]:
    with psycopg.connect(dsn, row_factory=dict_row) as conn:
        return conn.execute(query, params or None).fetchall()


def hexa(platform: dict, *args: str, dsn: str) -> Any:
    return run_hexa(
        *args, "--legacy-dsn", dsn, "--stack", platform["stack"], "--endpoint-url", platform["endpoint_url"]
    )


def outcome(report: dict[str, Any], table: str, row_id: Any) -> dict[str, Any]:
    return next(
        (r for r in report["rows"] if r["table"] == table and r["id"] == str(row_id)), {"outcome": "migrated"}
    )
