"""Helpers of the migration suites: `hexa` against a platform of its own, a row's outcome in a verify
report, and (from legacy_support) SQL on the legacy database."""

from __future__ import annotations

from typing import Any

from legacy_support import sql
from support import run_hexa

__all__ = ["PARTNERS", "hexa", "outcome", "sql"]

PARTNERS = 40  # the dirty monolith the load-and-verify scenario migrates


def hexa(platform: dict, *args: str, dsn: str) -> Any:
    return run_hexa(
        *args, "--legacy-dsn", dsn, "--stack", platform["stack"], "--endpoint-url", platform["endpoint_url"]
    )


def outcome(report: dict[str, Any], table: str, row_id: Any) -> dict[str, Any]:
    return next(
        (r for r in report["rows"] if r["table"] == table and r["id"] == str(row_id)), {"outcome": "migrated"}
    )
