"""``hexa migrate verify``: every legacy row, through the mapping, against what the platform serves.

The plan is recomputed from the legacy data (``hexa_migration.expected``: verify does not trust the
load's own notes). Each legacy table is streamed in id order; every kept row is mapped again and
compared field by field with what the owning context reads back (:mod:`.checks`), a hundred rows per
batch read; then each platform table is scanned for records legacy does not account for (extra).
Every table is checked in 16 id ranges, and scanned for extras, by parallel workers. The report's
shape is the issue's contract:

    {"ok", "tables": {t: {legacy, migrated, merged, rejected, missing, mismatched}},
     "rows": [{table, id, outcome, reason, into?}], "mismatches": [{table, id, field, legacy, platform}]}

An extra record is reported as a mismatch of field ``(record)`` (legacy ``null``) and counted as
mismatched; ``migrated`` includes normalised rows, and ``migrated + merged + rejected == legacy``.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Iterator

from . import plan
from .checks import CHECKS, Canonical, TableCheck
from .legacy_db import LegacyError, chunks, connect, stream
from .load import RANGES
from .platform import Platform
from .progress import TableProgress
from .writers import KEPT_SQL

BATCH = 100


@dataclass
class TableResult:
    legacy: int = 0
    migrated: int = 0
    merged: int = 0
    rejected: int = 0
    missing: int = 0
    mismatched: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    mismatches: list[dict[str, Any]] = field(default_factory=list)

    def add(self, part: "TableResult") -> None:
        for name in ("legacy", "migrated", "merged", "rejected", "missing", "mismatched"):
            setattr(self, name, getattr(self, name) + getattr(part, name))
        self.rows += part.rows
        self.mismatches += part.mismatches


@dataclass
class VerifyReport:
    tables: dict[str, TableResult]
    seconds: float

    @property
    def ok(self) -> bool:
        return all(
            t.missing == 0 and t.mismatched == 0 and t.migrated + t.merged + t.rejected == t.legacy
            for t in self.tables.values()
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "tables": {
                name: {
                    k: getattr(t, k)
                    for k in ("legacy", "migrated", "merged", "rejected", "missing", "mismatched")
                }
                for name, t in self.tables.items()
            },
            "rows": [row for t in self.tables.values() for row in t.rows],
            "mismatches": [m for t in self.tables.values() for m in t.mismatches],
        }

    def write(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(self.as_json(), out, ensure_ascii=False, indent=1, default=str)


def verify(dsn: str, stack: Any, *, workers: int = 4, progress: TableProgress | None = None) -> VerifyReport:
    """Each table in 16 id ranges plus one extras scan, all in parallel (the big tables dominate)."""
    started = time.monotonic()
    platform = Platform.of(stack)
    with connect(dsn) as lock:
        if not lock.execute("SELECT pg_try_advisory_lock(hashtext('hexa-verify')) AS ok").fetchone()["ok"]:
            raise LegacyError("another `hexa migrate verify` of this legacy database is running")
        return _verify(dsn, platform, workers, progress, started)


def _verify(
    dsn: str, platform: Platform, workers: int, progress: TableProgress | None, started: float
) -> VerifyReport:
    table = plan.build(dsn, "expected")
    with connect(dsn) as conn:
        counts = plan.counts(conn, table)
        actual = {
            check.legacy: conn.execute(f"SELECT count(*) AS n FROM {check.legacy}").fetchone()["n"]
            for check in CHECKS
        }
    ranges = list(zip(RANGES, RANGES[1:] + [None]))
    tasks = [(check, lo, hi) for check in CHECKS for lo, hi in ranges] + [
        (check, None, "extras") for check in CHECKS
    ]
    with progress or TableProgress() as shown:
        for check in CHECKS:
            shown.start(check.legacy, sum(counts.get(check.legacy, {}).values()))
        with ThreadPoolExecutor(max(1, workers)) as pool:
            parts = list(
                pool.map(lambda task: (task[0].legacy, _task(dsn, platform, table, *task, shown)), tasks)
            )
    results = {check.legacy: TableResult() for check in CHECKS}
    for legacy, part in parts:
        results[legacy].add(part)
    for legacy, result in results.items():  # rows the plan did not account for (legacy changed meanwhile)
        if result.legacy != actual[legacy]:
            result.missing += abs(actual[legacy] - result.legacy)
            result.mismatches.append(
                {
                    "table": legacy,
                    "id": "(table)",
                    "field": "(row count)",
                    "legacy": actual[legacy],
                    "platform": result.legacy,
                }
            )
            result.legacy = actual[legacy]
    return VerifyReport(results, time.monotonic() - started)


def _task(
    dsn: str,
    platform: Platform,
    table: str,
    check: TableCheck,
    lo: str | None,
    hi: str | None,
    shown: TableProgress,
) -> TableResult:
    if hi == "extras":
        result = TableResult()
        with connect(dsn) as conn:
            _extras(conn, platform, table, check.legacy, result)
        return result
    return _check(dsn, platform, table, check, lo or RANGES[0], hi, shown)


def _check(
    dsn: str, platform: Platform, table: str, check: TableCheck, lo: str, hi: str | None, shown: TableProgress
) -> TableResult:
    result, lagging = TableResult(), {}
    extra = (", " + check.extra.format(plan=table)) if check.extra else ""
    with connect(dsn) as conn:
        rows = stream(
            conn,
            f"SELECT t.*, o.outcome AS plan_outcome, o.reason AS plan_reason, "
            f"o.into_id::text AS plan_into{extra} FROM {check.legacy} t JOIN {table} o "
            f"ON o.legacy_table = %s AND o.legacy_id = t.id WHERE t.id >= %s "
            f"AND (%s::uuid IS NULL OR t.id < %s) ORDER BY t.id",
            (check.legacy, lo, hi, hi),
        )
        for batch in chunks(rows, BATCH):
            expected: dict[str, tuple[str, Canonical]] = {}
            for row in batch:
                _account(result, check.legacy, row)
                if row["plan_outcome"] in plan.KEPT:
                    key, canonical = check.expected(row)
                    expected[key] = (str(row["id"]), canonical)
            found = check.actual(list(expected), platform) if expected else {}
            for key, (legacy_id, canonical) in expected.items():
                if key in found or not check.projected:
                    _compare(result, check.legacy, legacy_id, canonical, found.get(key))
                else:
                    lagging[key] = (legacy_id, canonical)
            shown.advance(check.legacy, len(batch))
        _settle(result, check, platform, lagging)
    return result


def _settle(
    result: TableResult,
    check: TableCheck,
    platform: Platform,
    lagging: dict[str, tuple[str, Canonical]],
    patience: float = 5.0,
) -> None:
    """Records a stream projects (contract views) may trail their write by a moment: look again for a
    few seconds before calling them missing."""
    deadline = time.monotonic() + patience
    while lagging and time.monotonic() < deadline:
        time.sleep(0.25)
        found = {}
        for start in range(0, len(lagging), BATCH):
            found.update(check.actual(list(lagging)[start : start + BATCH], platform))
        for key in list(lagging):
            if key in found:
                legacy_id, canonical = lagging.pop(key)
                _compare(result, check.legacy, legacy_id, canonical, found[key])
    for legacy_id, canonical in lagging.values():
        _compare(result, check.legacy, legacy_id, canonical, None)


def _account(result: TableResult, legacy: str, row: dict[str, Any]) -> None:
    outcome = row["plan_outcome"]
    result.legacy += 1
    if outcome in plan.KEPT:
        result.migrated += 1
    elif outcome == "merged":
        result.merged += 1
    else:
        result.rejected += 1
    if outcome != "migrated":
        entry = {"table": legacy, "id": str(row["id"]), "outcome": outcome, "reason": row["plan_reason"]}
        if outcome == "merged":
            entry["into"] = row["plan_into"]
        result.rows.append(entry)


def _compare(
    result: TableResult, legacy: str, legacy_id: str, expected: Canonical, actual: Canonical | None
) -> None:
    if actual is None:
        result.missing += 1
        result.mismatches.append(
            {"table": legacy, "id": legacy_id, "field": "(record)", "legacy": "present", "platform": None}
        )
        return
    differing = [name for name in expected if expected[name] != actual.get(name)]
    if differing:
        result.mismatched += 1
        result.mismatches += [
            {
                "table": legacy,
                "id": legacy_id,
                "field": name,
                "legacy": expected[name],
                "platform": actual.get(name),
            }
            for name in differing
        ]


EXTRA_QUERIES = {  # platform keys → those legacy accounts for (kept rows), per legacy table
    "partners": (
        "all_ids",
        "SELECT k.id::text AS key FROM unnest(%s::uuid[]) AS k(id) JOIN {plan} o "
        "ON o.legacy_table = 'partners' AND o.legacy_id = k.id AND o.outcome IN " + KEPT_SQL,
    ),
    "contratos": (
        "all_ids",
        "SELECT k.id::text AS key FROM unnest(%s::uuid[]) AS k(id) JOIN {plan} o "
        "ON o.legacy_table = 'contratos' AND o.legacy_id = k.id AND o.outcome IN " + KEPT_SQL,
    ),
    "campaigns": (
        "all_ids",
        "SELECT k.id::text AS key FROM unnest(%s::uuid[]) AS k(id) JOIN {plan} o "
        "ON o.legacy_table = 'campaigns' AND o.legacy_id = k.id AND o.outcome IN " + KEPT_SQL,
    ),
}


def _extras(conn: Any, platform: Platform, table: str, legacy: str, result: TableResult) -> None:
    """Platform records of this kind that no kept legacy row accounts for."""
    keys: Iterator[str]
    if legacy == "partners":
        keys = platform.partners.all_ids()
    elif legacy == "contratos":
        keys = platform.contracts.all_ids()
    elif legacy == "campaigns":
        keys = platform.campaigns.all_ids()
    elif legacy == "campaign_performance":
        keys = (f"{c}/{d.isoformat()}" for c, d in platform.campaigns.all_day_keys())
    else:
        keys = (f"{p}/{d.isoformat()}/{c}" for p, d, c in platform.ledger.all_keys())
    for batch in chunks(({"key": k} for k in keys), 1000):
        wanted = [b["key"] for b in batch]
        accounted = {
            r["key"] for r in conn.execute(_accounted_sql(legacy, table), _accounted_args(legacy, wanted))
        }
        for key in wanted:
            if key not in accounted:
                result.mismatched += 1
                result.mismatches.append(
                    {
                        "table": legacy,
                        "id": key,
                        "field": "(record)",
                        "legacy": None,
                        "platform": "present: no kept legacy row accounts for it",
                    }
                )


def _accounted_sql(legacy: str, table: str) -> str:
    if legacy in EXTRA_QUERIES:
        return EXTRA_QUERIES[legacy][1].format(plan=table)
    if legacy == "campaign_performance":
        return (
            "SELECT DISTINCT k.campaign_id::text || '/' || k.day::text AS key FROM unnest(%s::uuid[], "
            "%s::date[]) "
            f"AS k(campaign_id, day) JOIN campaign_performance p ON p.campaign_id = k.campaign_id "
            f"AND p.fecha = k.day JOIN {table} o ON o.legacy_table = 'campaign_performance' "
            f"AND o.legacy_id = p.id AND o.outcome IN {KEPT_SQL}"
        )
    return (
        f"SELECT DISTINCT k.partner_id::text || '/' || k.day::text || '/' || k.campaign_id::text AS key "
        f"FROM unnest(%s::uuid[], %s::date[], %s::uuid[]) AS k(partner_id, day, campaign_id) "
        "JOIN comisiones c ON c.partner_id = k.partner_id AND c.fecha = k.day AND c.campaign_id = "
        "k.campaign_id "
        f"JOIN {table} o ON o.legacy_table = 'comisiones' AND o.legacy_id = c.id AND o.outcome IN {KEPT_SQL}"
    )


def _accounted_args(legacy: str, keys: list[str]) -> tuple[Any, ...]:
    if legacy in EXTRA_QUERIES:
        return (keys,)
    parts = [k.split("/") for k in keys]
    return tuple(list(column) for column in zip(*parts))
