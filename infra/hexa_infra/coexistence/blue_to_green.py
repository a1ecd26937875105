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
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Callable

import psycopg

from campaign_management.application import migration as campaign_migration
from campaign_management.application.replication import replicate_campaign, replicate_day
from hexa_shared import metrics
from hexa_shared.failures import describe, is_transient
from onboarding.application.replication import replicate_contract
from partner_management.application.ports import DuplicateEmail
from partner_management.application import migration as partner_migration
from partner_management.application.replication import replicate_partner
from partner_management.domain.partner import PartnerStatus

from hexa_infra.migration import entities
from hexa_infra.migration.legacy_db import OWN_SCHEMA, connect
from hexa_infra.migration.platform import Platform
from hexa_infra.migration.writers import contract_facts

from . import capture
from .capture import APPLIED, REJECTED, SKIPPED, SUPERSEDED, UNCHANGED, Change, Result

log = logging.getLogger("hexa.cdc.blue_to_green")
ORDER = ("partners", "contratos", "campaigns", "campaign_performance", "comisiones")
TIMESTAMPS = {"created_at", "updated_at", "fecha_firma", "fecha_activacion"}
DATES = {"fecha", "fecha_inicio", "fecha_fin"}


class Pending(Exception):
    """Not yet: the change waits for another one (its parent) or for green to answer."""


class Refused(Exception):
    """The platform cannot take this change; the reason says why."""


def legacy_row(state: dict[str, Any]) -> dict[str, Any]:
    """A captured state (to_jsonb) as the migration's mapping reads rows: datetimes, dates, Decimals."""
    row = dict(state)
    for name, value in state.items():
        if value is None:
            continue
        if name in TIMESTAMPS:
            row[name] = datetime.fromisoformat(value)
        elif name in DATES:
            row[name] = date.fromisoformat(value)
    return row


class ChangeApplier:
    """One change → the platform, through the migration's mapping and the contexts' use cases."""

    def __init__(self, platform: Platform, dsn: str) -> None:
        self.platform, self.dsn = platform, dsn
        self._local = threading.local()
        self.merged: dict[str, str] = {}

    def _conn(self) -> psycopg.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = self._local.conn = connect(self.dsn)
        return conn

    def apply(self, change: Change) -> tuple[str, str | None]:
        if change.op == "DELETE":
            raise Refused(
                f"a DELETE of {change.table} {change.row_id} in the monolith: the platform deletes no "
                "such record, so nothing is carried over (reconcile by hand)"
            )
        row = legacy_row(change.state)
        changed = getattr(self, f"_{change.table}")(row, change)
        return (APPLIED if changed else UNCHANGED), None

    # ---------------------------------------------------------------- per table
    def _partners(self, row: dict[str, Any], change: Change) -> bool:
        merged = self.merged.get(str(row["id"]))
        if merged:
            raise Refused(
                f"partner {row['id']} was merged into {merged} by the migration (same email): its "
                "changes are not carried over"
            )
        out, partner = entities.partner(row)
        if partner is None:
            raise Refused(out.reason or "the mapping rejected the row")
        try:
            done = replicate_partner(partner, self.platform.partners)
        except DuplicateEmail as error:
            raise Refused(str(error)) from None
        if done.facts_changed:  # only then: an edit of a name changes nothing the other contexts know
            self.platform.known_partners.record_registered(partner.partner_id)
            self.platform.permissions.partner_registered(partner.partner_id)
            if partner.status is PartnerStatus.DEACTIVATED:
                self.platform.known_partners.record_deactivated(partner.partner_id)
                self.platform.permissions.partner_deactivated(partner.partner_id)
        return done.changed

    def _contratos(self, row: dict[str, Any], change: Change) -> bool:
        parent = self._parent("partners", str(row["partner_id"]), self.platform.partners.get)
        out, state = entities.contract(row, parent)
        if state is None:
            raise Refused(out.reason or "the mapping rejected the row")
        event_id = str(
            uuid.uuid5(entities.MIGRATION_NAMESPACE, f"ContractReplicated/{state.contract_id}/{change.seq}")
        )
        appended = replicate_contract(state, event_id, self.platform.contract_events)
        facts = contract_facts(state.contract_id, state.contract_type, state.data["status"])
        if facts is not None:
            campaign_migration.import_permission_facts(
                [], [(state.partner_id, facts)], self.platform.permissions
            )
        return appended is not None

    def _campaigns(self, row: dict[str, Any], change: Change) -> bool:
        parent = self._parent("partners", str(row["partner_id"]), self.platform.partners.get, missing=None)
        out, campaign = entities.campaign(row, parent)
        if campaign is None:
            raise Refused(out.reason or "the mapping rejected the row")
        return replicate_campaign(campaign, self.platform.campaigns)

    def _campaign_performance(self, row: dict[str, Any], change: Change) -> bool:
        if row.get("campaign_id") is None:
            raise Refused("campaign_id is NULL")
        parent = self._parent("campaigns", str(row["campaign_id"]), self.platform.campaigns.get, missing=None)
        out, metrics = entities.performance(row, parent, None)
        if metrics is None:
            raise Refused(out.reason or "the mapping rejected the row")
        return replicate_day(str(row["campaign_id"]), metrics, self.platform.campaigns)

    def _comisiones(self, row: dict[str, Any], change: Change) -> bool:
        partner = self._parent("partners", str(row["partner_id"]), self.platform.partners.get)
        campaign = (
            self._parent("campaigns", str(row["campaign_id"]), self.platform.campaigns.get)
            if row.get("campaign_id") is not None
            else None
        )
        out, line = entities.commission(row, partner, campaign, None)
        if line is None:
            raise Refused(out.reason or "the mapping rejected the row")
        partner_migration.import_commission_lines(
            [(line.line, line.recorded_at, line.source_id)], self.platform.ledger
        )
        return True

    # ---------------------------------------------------------------- helpers
    def _parent(
        self, table: str, row_id: str, find: Callable[[str], Any], missing: str | None = "rejected"
    ) -> str | None:
        """``kept`` when green has the parent; a parent whose own change is still pending makes this one
        wait; otherwise ``missing`` (the mapping then rejects with its usual reason)."""
        if find(row_id) is not None:
            return "kept"
        if capture.has_pending(self._conn(), table, row_id):
            raise Pending(f"{table} {row_id} is not on green yet")
        return missing

    def refresh_merged(self) -> None:
        """Partners the migration merged into another (same email), read once per pass, not per change."""
        try:
            rows = (
                self._conn()
                .execute(
                    f"SELECT legacy_id::text AS legacy_id, into_id::text AS into_id FROM "
                    f"{OWN_SCHEMA}.outcomes WHERE legacy_table = 'partners' AND outcome = 'merged'"
                )
                .fetchall()
            )
        except psycopg.errors.UndefinedTable:  # no load has run against this database
            rows = []
        self.merged = {r["legacy_id"]: r["into_id"] for r in rows}


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
