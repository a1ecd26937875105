"""blue -> green: the monolith's captured changes (``hexa_cdc.changes``) applied to the platform.

Each change is a row's whole new state. A batch is read in capture order, collapsed to the newest
change of each row (the older ones are *superseded*: the newest state contains them), and the rows are
applied table by table — partners before what hangs off them — a few at a time in parallel (rows are
independent). A row's change older than one already applied is *skipped*, never applied over it, so
duplicates and redrives change nothing. A row is mapped by the migration's own mapping
(:mod:`hexa_infra.migration.entities`) and written through the owning context's replication use case;
a row the mapping refuses is *rejected* with the reason (``hexa cdc status`` lists them, ``hexa cdc
retry`` redrives them) and never blocks the rows behind it. A transient failure (throttling, a version
race, green unreachable) leaves the row pending for the next pass.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

import psycopg

from hexa_shared import metrics
from hexa_shared.failures import describe, is_transient

from hexa_infra.migration.legacy_db import connect
from hexa_infra.migration.platform import Platform

from . import capture
from .capture import APPLIED, REJECTED, SKIPPED, SUPERSEDED, UNCHANGED, Change, Result
from .change_applier import ORDER, ChangeApplier, Pending, Refused

log = logging.getLogger("hexa.cdc.blue_to_green")


@dataclass
class PassReport:
    read: int = 0
    results: list[Result] | None = None
    waiting: int = 0  # changes left pending (transient failure, parent not there yet)


class BlueToGreen:
    """The applier's loop: woken by the triggers' NOTIFY, else every ``idle`` seconds."""

    def __init__(
        self, dsn: str, platform: Platform, *, workers: int = 4, batch: int = 500, idle: float = 1.0
    ) -> None:
        self.dsn, self.platform = dsn, platform
        self.workers, self.batch, self.idle = workers, batch, idle
        self.applier = ChangeApplier(platform, dsn)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn: psycopg.Connection | None = None
        self.passes = 0

    # ---------------------------------------------------------------- one pass
    def apply_pending(self) -> PassReport:
        conn = self._connection()
        changes = capture.pending(conn, self.batch)
        report = PassReport(read=len(changes), results=[])
        if not changes:
            return report
        newest: dict[tuple[str, str], Change] = {}
        for change in changes:
            newest[(change.table, change.row_id)] = change
        applied_before = capture.newest_applied(conn, changes)
        if any(c.table == "partners" for c in changes):
            self.applier.refresh_merged()
        results: list[Result] = []
        todo: list[Change] = []
        for change in changes:
            key = (change.table, change.row_id)
            if applied_before.get(key, 0) >= change.seq:
                results.append(
                    Result(change, SKIPPED, f"older than change {applied_before[key]}, already applied")
                )
            elif newest[key] is not change:
                continue  # decided with its row's newest change below
            else:
                todo.append(change)
        # table by table, each table's results recorded before the next one starts: a child whose parent
        # was just rejected then sees no pending parent and is rejected too, instead of waiting forever
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="hexa-cdc") as pool:
            for table in ORDER:
                group = [c for c in todo if c.table == table]
                done: list[Result] = [r for r in results if r.change.table == table]
                outcomes = dict(zip((c.seq for c in group), pool.map(self._apply_one, group)))
                done += [r for r in outcomes.values() if r is not None]
                report.waiting += sum(1 for r in outcomes.values() if r is None)
                for change in changes:
                    key = (change.table, change.row_id)
                    latest = newest[key]
                    if change.table != table or latest is change or applied_before.get(key, 0) >= change.seq:
                        continue
                    last = outcomes.get(latest.seq)
                    if last is not None and last.outcome in (APPLIED, UNCHANGED, REJECTED):
                        done.append(Result(change, SUPERSEDED, f"superseded by change {latest.seq}"))
                capture.record(conn, done)
                report.results += done
        self.passes += 1
        return report

    def _apply_one(self, change: Change) -> Result | None:
        try:
            outcome, reason = self.applier.apply(change)
            age_ms = (datetime.now(timezone.utc) - change.captured_at).total_seconds() * 1000
            metrics.record_event(
                "cdc", "cdc.blue-to-green", change.table, age_ms, failed=False
            )  # hexa metrics
            return Result(change, outcome, reason)
        except Refused as refused:
            log.warning("cdc: %s %s change %d rejected: %s", change.table, change.row_id, change.seq, refused)
            metrics.record_event(
                "cdc", "cdc.blue-to-green", change.table, None, failed=True
            )  # DataInconsistency
            return Result(change, REJECTED, str(refused)[:1000])
        except Pending as waiting:
            log.info("cdc: change %d waits: %s", change.seq, waiting)
            return None
        except Exception as error:  # noqa: BLE001 - classified just below
            if is_transient(error):
                log.warning("cdc: change %d will be retried: %s", change.seq, describe(error))
                return None
            log.exception("cdc: change %d rejected by an unexpected error", change.seq)
            return Result(change, REJECTED, describe(error))

    def drain(
        self, timeout: float, concerns: Callable[[str | None], bool] = lambda partner: True
    ) -> list[str | None]:
        """Apply until no pending change captured before this call concerns the partners ``concerns``
        selects, or ``timeout``; returns the partners of what is still pending (empty = drained)."""
        with connect(self.dsn) as conn:  # its own: the loop's connection belongs to the loop's thread
            horizon = capture.backlog(conn).newest_seq
            deadline = time.monotonic() + timeout
            while True:
                left = [p for p in capture.pending_partners(conn, horizon) if concerns(p)]
                if not left or time.monotonic() >= deadline:
                    return left
                if self._thread is None:
                    self.apply_pending()
                else:
                    time.sleep(0.05)

    # ---------------------------------------------------------------- the loop
    def start(self) -> "BlueToGreen":
        self._thread = threading.Thread(target=self._run, name="hexa-cdc-blue-to-green", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        listener: psycopg.Connection | None = None
        backoff = 0.2
        while not self._stop.is_set():
            try:
                if listener is None or listener.closed:
                    listener = connect(self.dsn)
                    listener.execute(f"LISTEN {capture.CHANNEL}")
                report = self.apply_pending()
                backoff = 0.2
                if report.read >= self.batch:
                    continue  # more behind it
                wait = 0.2 if report.waiting else self.idle
                for _ in listener.notifies(timeout=wait, stop_after=1):
                    pass
            except Exception as error:  # noqa: BLE001 - the loop must outlive a database restart
                log.warning(
                    "cdc: blue -> green pass failed (%s); retrying in %.1fs", describe(error), backoff
                )
                for conn in (listener, self._conn):
                    if conn is not None:
                        conn.close()
                listener = self._conn = None
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
        if listener is not None:
            listener.close()

    def _connection(self) -> psycopg.Connection:
        if self._conn is None or self._conn.closed:
            self._conn = connect(self.dsn)
        return self._conn
