"""``hexa migrate load``: the whole legacy database into the platform, resumable at any moment.

1. The plan (:mod:`.plan`) decides every row's outcome from the legacy data alone.
2. Each legacy table is split into 16 id ranges; parallel workers page through the kept rows of a range
   by keyset (``id > last``, a few hundred rows a page: memory stays flat), map them and hand them to
   the owning contexts (:mod:`.writers`), then record the range's checkpoint in PostgreSQL. Every write
   is an idempotent put of a record whose id derives from the legacy row, so ``kill -9`` at any moment
   followed by the same command ends exactly where an uninterrupted run does: at worst the page in
   flight is written twice, to the same values.
3. Derived facts are set from the plan in SQL: each partner's open-budget total (``SET``, not ``ADD``);
   open budgets over what the partner's active contract allows today are reported, not refused.
4. The load waits until the contracts' read model (fed by the event store's stream) serves every
   migrated contract, so a verify right after it sees what clients will see.

A completed load leaves its checkpoints done: running it again does nothing (``--restart`` writes it
all again, for a platform nobody has written to since). One load per stack at a time (advisory lock).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from campaign_management.application import migration as campaigns
from campaign_management.domain.permissions import LIMITS

from . import plan
from .legacy_db import OWN_SCHEMA, LegacyError, chunks, connect, ensure_own_schema, stream
from .platform import Platform
from .progress import TableProgress
from .writers import KEPT_SQL, TABLES, TableLoad

RANGES = [f"{digit:x}0000000-0000-0000-0000-000000000000" for digit in range(16)]
NO_ID = "00000000-0000-0000-0000-000000000000"


@dataclass
class LoadReport:
    rows: dict[str, int] = field(default_factory=dict)  # kept rows written per legacy table, this run
    items: dict[str, int] = field(default_factory=dict)  # DynamoDB items written per legacy table
    plan: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    resumed: bool = False
    already_done: bool = False
    unprojected: int = 0  # contracts the read model did not serve yet when the load gave up waiting
    write_seconds: float = 0.0  # until everything was written (then the wait for the contract projection)


def load(
    dsn: str,
    stack: Any,
    *,
    workers: int = 4,
    page: int = 250,
    restart: bool = False,
    progress: TableProgress | None = None,
) -> LoadReport:
    started, report = time.monotonic(), LoadReport()
    platform = Platform.of(stack)
    name = platform.identity  # the stack *and* this incarnation of its tables: a new emulator starts afresh
    with connect(dsn) as lock:
        ensure_own_schema(lock)
        if not lock.execute(
            "SELECT pg_try_advisory_lock(hashtext(%s)) AS ok", (f"hexa-load:{name}",)
        ).fetchone()["ok"]:
            raise LegacyError(f"another `hexa migrate load` into {stack.template.stack_name} is running")
        if restart:
            lock.execute(f"DELETE FROM {OWN_SCHEMA}.checkpoints WHERE target = %s", (name,))
        table = plan.build(dsn, "outcomes")
        report.plan = plan.counts(lock, table)
        tasks = _pending(lock, name, table)
        derived = _done(lock, name, DERIVED)
        report.resumed = bool(
            lock.execute(
                f"SELECT count(*) AS n FROM {OWN_SCHEMA}.checkpoints WHERE target = %s", (name,)
            ).fetchone()["n"]
        ) and (bool(tasks) or not derived)
        report.already_done = not tasks and derived
        with progress or TableProgress() as shown:
            for load_ in TABLES:
                total = _kept_rows(report.plan, load_.legacy)
                shown.start(load_.legacy, total, total - sum(t[4] for t in tasks if t[0] is load_))
            with ThreadPoolExecutor(max(1, workers)) as pool:
                results = list(pool.map(lambda t: _run(dsn, platform, name, table, t, page, shown), tasks))
        for legacy, rows, items in results:
            report.rows[legacy] = report.rows.get(legacy, 0) + rows
            report.items[legacy] = report.items.get(legacy, 0) + items
        if not derived:  # once per load: totals are SET, and live campaigns move them afterwards
            report.warnings = derive_open_budgets(lock, table, platform)
            _mark_done(lock, name, DERIVED)
        report.write_seconds = time.monotonic() - started
        if not report.already_done:
            report.unprojected = await_projection(lock, table, platform)
    report.seconds = time.monotonic() - started
    return report


DERIVED = "open_budgets"  # the derived phase's checkpoint


def _done(conn: Any, target: str, phase: str) -> bool:
    return bool(
        conn.execute(
            f"SELECT 1 FROM {OWN_SCHEMA}.checkpoints WHERE target = %s AND phase = %s AND done",
            (target, phase),
        ).fetchall()
    )


def _mark_done(conn: Any, target: str, phase: str) -> None:
    conn.execute(
        f"INSERT INTO {OWN_SCHEMA}.checkpoints (target, phase, range_start, done) VALUES (%s, %s, '', true) "
        "ON CONFLICT (target, phase, range_start) DO UPDATE SET done = true",
        (target, phase),
    )


def await_projection(conn: Any, table: str, platform: Platform, timeout: float = 180.0) -> int:
    """Contracts reach their read model through the event store's stream, a moment after the load wrote
    them: a load is done when the platform serves every one. Returns how many it still does not."""
    deadline, waiting = time.monotonic() + timeout, 0
    for batch in chunks(
        stream(
            conn,
            f"SELECT legacy_id::text AS id FROM {table} WHERE legacy_table = 'contratos' "
            f"AND outcome IN {KEPT_SQL}",
        ),
        100,
    ):
        pending = [row["id"] for row in batch]
        while pending and time.monotonic() < deadline:
            served = platform.contracts.get_many(pending)
            pending = [contract_id for contract_id in pending if contract_id not in served]
            if pending:
                time.sleep(0.2)
        waiting += len(pending)
    return waiting


def _kept_rows(counts: dict[str, dict[str, int]], legacy: str) -> int:
    return sum(counts.get(legacy, {}).get(o, 0) for o in plan.KEPT)


def _pending(conn: Any, target: str, table: str) -> list[tuple[TableLoad, str, str | None, str, int]]:
    """(table, range start, range end, last id done, kept rows left) of every range not done yet."""
    state = {
        (r["phase"], r["range_start"]): r
        for r in conn.execute(
            f"SELECT phase, range_start, last_id::text AS last_id, done FROM {OWN_SCHEMA}.checkpoints WHERE "
            "target = %s",
            (target,),
        )
    }
    pending = []
    for load_ in TABLES:
        for index, start in enumerate(RANGES):
            end = RANGES[index + 1] if index + 1 < len(RANGES) else None
            mark = state.get((load_.legacy, start))
            if mark and mark["done"]:
                continue
            last = (mark and mark["last_id"]) or NO_ID
            left = conn.execute(
                f"SELECT count(*) AS n FROM {load_.legacy} t JOIN {table} o ON o.legacy_table = %s "
                f"AND o.legacy_id = t.id WHERE o.outcome IN {KEPT_SQL} AND t.id >= %s "
                f"AND (%s::uuid IS NULL OR t.id < %s) AND t.id > %s",
                (load_.legacy, start, end, end, last),
            ).fetchone()["n"]
            pending.append((load_, start, end, last, left))
    return pending


def _run(
    dsn: str,
    platform: Platform,
    target: str,
    table: str,
    task: tuple[TableLoad, str, str | None, str, int],
    page: int,
    shown: TableProgress,
) -> tuple[str, int, int]:
    load_, start, end, last, _ = task
    extra = (", " + load_.extra.format(plan=table)) if load_.extra else ""
    query = (
        f"SELECT t.*{extra} FROM {load_.legacy} t JOIN {table} o ON o.legacy_table = %s AND o.legacy_id = "
        "t.id "
        f"WHERE o.outcome IN {KEPT_SQL} AND t.id >= %s AND (%s::uuid IS NULL OR t.id < %s) AND t.id > %s "
        f"ORDER BY t.id LIMIT %s"
    )
    rows_done = items_done = 0
    with connect(dsn) as conn:
        while True:
            rows = conn.execute(query, (load_.legacy, start, end, end, last, page)).fetchall()
            if rows:
                items_done += load_.write(rows, platform)  # first the platform, then the checkpoint
                last = str(rows[-1]["id"])
                rows_done += len(rows)
            done = len(rows) < page
            conn.execute(
                f"INSERT INTO {OWN_SCHEMA}.checkpoints (target, phase, range_start, last_id, done, rows) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (target, phase, range_start) DO UPDATE "
                "SET last_id = EXCLUDED.last_id, done = EXCLUDED.done, "
                "rows = checkpoints.rows + EXCLUDED.rows",
                (target, load_.legacy, start, last, done, len(rows)),
            )
            shown.advance(load_.legacy, len(rows))
            if done:
                return load_.legacy, rows_done, items_done


def derive_open_budgets(conn: Any, table: str, platform: Platform) -> list[str]:
    """Set every migrated partner's open-budget total; report those above their active contract's limit."""
    limits = " ".join(f"WHEN '{kind}' THEN {limit}" for kind, limit in LIMITS.items())
    warnings, batch = [], []
    for row in stream(
        conn,
        f"""
            WITH open AS (
                SELECT parent_id AS partner_id, sum((facts->>'budget')::numeric) AS total FROM {table}
                WHERE legacy_table = 'campaigns' AND outcome IN {KEPT_SQL}
                  AND facts->>'status' IN ('ACTIVE', 'PAUSED')
                GROUP BY 1),
            allowed AS (
                SELECT c.parent_id AS partner_id, max(CASE c.facts->>'type' {limits} END) AS limit_
                FROM {table} c JOIN {table} p ON p.legacy_table = 'partners' AND p.legacy_id = c.parent_id
                WHERE c.legacy_table = 'contratos' AND c.outcome IN {KEPT_SQL}
                  AND c.facts->>'status' = 'ACTIVE'
                  AND p.facts->>'status' = 'ACTIVE'
                GROUP BY 1)
            SELECT open.partner_id::text AS partner_id, open.total, coalesce(allowed.limit_, 0) AS limit_
            FROM open LEFT JOIN allowed USING (partner_id)""",
    ):
        batch.append((row["partner_id"], Decimal(row["total"])))
        if row["total"] > row["limit_"]:
            warnings.append(
                f"partner {row['partner_id']}: open campaign budgets {row['total']:.2f} are above what "
                f"its active contract allows today ({Decimal(row['limit_']):.2f}); kept as a fact of the "
                "past, new campaigns will be refused (422) until it is under"
            )
        if len(batch) == 500:
            campaigns.import_open_budgets(batch, platform.campaigns)
            batch = []
    if batch:
        campaigns.import_open_budgets(batch, platform.campaigns)
    return sorted(warnings)
