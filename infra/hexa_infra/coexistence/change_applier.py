"""One captured change of the monolith → the platform: the row mapped by the migration's own mapping
(:mod:`hexa_infra.migration.entities`) and written through the owning context's replication use case.

:class:`Pending` means not yet (a parent missing, green not answering); :class:`Refused` means never,
with the reason. :mod:`.blue_to_green` decides which changes to apply and in what order.
"""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import date, datetime
from typing import Any, Callable

import psycopg

from campaign_management.application import migration as campaign_migration
from campaign_management.application.replication import replicate_campaign, replicate_day
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
from .capture import APPLIED, UNCHANGED, Change

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
