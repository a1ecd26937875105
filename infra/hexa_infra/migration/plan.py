"""The plan: what becomes of every legacy row, decided from the legacy data alone, before anything moves.

One row per legacy row in a plan table of the schema ``hexa_migration`` (``outcomes`` for a load,
``expected`` for a verify: both come from this same code, so verify checks the load against the mapping,
not against the load's own notes). Tables are planned parents first, so a child knows its parent's fate;
each is streamed in the order that puts its duplicates side by side, so deduplication needs no memory:

* partners one by one, then in SQL over the emails the mapping normalised: the oldest partner that can
  migrate keeps an email, later ones are rejected;
* performance by (campaign, day), latest ``created_at`` first: the latest valid row is the truth, the
  others are merged into it; commissions the same way by (partner, campaign, day).

Each planned row also keeps what derived facts need (a contract's status and type, a campaign's status
and budget, a day's spend), so open budgets, spend and permissions are aggregated in SQL.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator

import psycopg

from . import entities
from .legacy_db import LEGACY_TABLES, connect, plan_table, stream
from .mapping import Outcome

KEPT = ("migrated", "normalised")
PLAN_COLUMNS = ("legacy_table", "legacy_id", "outcome", "reason", "into_id", "parent_id", "facts")


def _parent(outcome: str | None) -> str | None:
    return None if outcome is None else ("kept" if outcome in KEPT else "rejected")


def build(dsn: str, name: str = "outcomes", on_row: Callable[[str], None] = lambda table: None) -> str:
    """(Re)compute the whole plan into ``hexa_migration.<name>``; returns its qualified name."""
    with connect(dsn) as reader, connect(dsn, autocommit=False) as writer:
        table = plan_table(writer, name)
        writer.execute(f"CREATE INDEX IF NOT EXISTS {name}_by_parent ON {table} (legacy_table, parent_id)")
        writer.commit()
        for legacy_table, rows in _planners(reader, table):
            writer.execute(f"DELETE FROM {table} WHERE legacy_table = %s", (legacy_table,))
            with writer.cursor().copy(f"COPY {table} ({', '.join(PLAN_COLUMNS)}) FROM STDIN") as copy:
                for out, parent_id, facts in rows:
                    copy.write_row(
                        (
                            out.table,
                            out.id,
                            out.outcome,
                            out.described(),
                            out.into,
                            parent_id,
                            None if facts is None else json.dumps(facts),
                        )
                    )
                    on_row(legacy_table)
            if legacy_table == "partners":
                _one_per_email(writer, table)
            writer.commit()
    return table


Planned = Iterator[tuple[Outcome, str | None, dict[str, Any] | None]]


def _planners(conn: psycopg.Connection, table: str) -> Iterator[tuple[str, Planned]]:
    yield "partners", _partners(conn)
    yield "contratos", _contracts(conn, table)
    yield "campaigns", _campaigns(conn, table)
    yield "campaign_performance", _performance(conn, table)
    yield "comisiones", _commissions(conn, table)


def _partners(conn: psycopg.Connection) -> Planned:
    """Each partner on its own; emails shared after normalisation are settled by :func:`_one_per_email`."""
    for row in stream(conn, "SELECT * FROM partners ORDER BY id"):
        out, partner = entities.partner(row)
        yield out, None, None if partner is None else {"status": partner.status.value, "email": partner.email}


def _one_per_email(writer: psycopg.Connection, table: str) -> None:
    """Of the partners that could migrate, the oldest keeps an email (as the mapping normalised it: the
    same rule as the platform's, not an approximation in SQL); the later ones are rejected."""
    writer.execute(f"""
        WITH ranked AS (
            SELECT o.legacy_id, o.facts->>'email' AS email,
                   first_value(o.legacy_id) OVER holders AS holder, row_number() OVER holders AS rank
            FROM {table} o JOIN partners p ON p.id = o.legacy_id
            WHERE o.legacy_table = 'partners' AND o.outcome IN ('migrated', 'normalised')
            WINDOW holders AS (PARTITION BY o.facts->>'email' ORDER BY p.created_at NULLS LAST, p.id))
        UPDATE {table} o SET outcome = 'rejected', facts = NULL,
               reason = 'email ' || ranked.email || ' already belongs to partner ' || ranked.holder
                        || ' (older)'
        FROM ranked
        WHERE o.legacy_table = 'partners' AND o.legacy_id = ranked.legacy_id AND ranked.rank > 1""")


def _contracts(conn: psycopg.Connection, table: str) -> Planned:
    for row in stream(
        conn,
        f"SELECT c.*, o.outcome AS parent FROM contratos c LEFT JOIN {table} o "
        "ON o.legacy_table = 'partners' AND o.legacy_id = c.partner_id ORDER BY c.id",
    ):
        out, event = entities.contract(row, _parent(row["parent"]))
        yield (
            out,
            str(row["partner_id"]),
            None if event is None else {"status": event.data["status"], "type": event.contract_type},
        )


def _campaigns(conn: psycopg.Connection, table: str) -> Planned:
    for row in stream(
        conn,
        f"SELECT c.*, o.outcome AS parent FROM campaigns c LEFT JOIN {table} o "
        "ON o.legacy_table = 'partners' AND o.legacy_id = c.partner_id ORDER BY c.id",
    ):
        out, campaign = entities.campaign(row, _parent(row["parent"]))
        yield (
            out,
            str(row["partner_id"]),
            None if campaign is None else {"status": campaign.status.value, "budget": str(campaign.budget)},
        )


def _latest_first(
    rows: Iterator[dict[str, Any]],
    key: Callable[[dict[str, Any]], Any],
    mapper: Callable[[dict[str, Any], str | None], tuple[Outcome, Any]],
) -> Iterator[tuple[dict[str, Any], Outcome, Any]]:
    """Rows sorted by ``key`` then newest first: the first valid row of each key wins, the later valid
    ones are merged into it (invalid ones are rejected on their own account)."""
    current, winner = object(), None
    for row in rows:
        if key(row) != current:
            current, winner = key(row), None
        out, record = mapper(row, winner)
        if record is not None and winner is None:
            winner = out.id
        yield row, out, record


def _performance(conn: psycopg.Connection, table: str) -> Planned:
    rows = stream(
        conn,
        f"SELECT p.*, o.outcome AS parent FROM campaign_performance p LEFT JOIN {table} o "
        "ON o.legacy_table = 'campaigns' AND o.legacy_id = p.campaign_id "
        "ORDER BY p.campaign_id NULLS FIRST, p.fecha NULLS FIRST, p.created_at DESC NULLS LAST, p.id DESC",
    )
    planned = _latest_first(
        rows,
        lambda r: (r["campaign_id"], r["fecha"]),
        lambda r, winner: entities.performance(r, _parent(r["parent"]) if r["campaign_id"] else None, winner),
    )
    for row, out, day in planned:
        campaign_id = None if row["campaign_id"] is None else str(row["campaign_id"])
        yield out, campaign_id, None if day is None else {"spend": str(day.spend)}


def _commissions(conn: psycopg.Connection, table: str) -> Planned:
    rows = stream(
        conn,
        f"SELECT k.*, p.outcome AS partner_parent, c.outcome AS campaign_parent FROM comisiones k "
        f"LEFT JOIN {table} p ON p.legacy_table = 'partners' AND p.legacy_id = k.partner_id "
        f"LEFT JOIN {table} c ON c.legacy_table = 'campaigns' AND c.legacy_id = k.campaign_id "
        "ORDER BY k.partner_id, k.campaign_id NULLS FIRST, k.fecha NULLS FIRST, "
        "k.created_at DESC NULLS LAST, k.id DESC",
    )
    planned = _latest_first(
        rows,
        lambda r: (r["partner_id"], r["campaign_id"], r["fecha"]),
        lambda r, winner: entities.commission(
            r, _parent(r["partner_parent"]), _parent(r["campaign_parent"]), winner
        ),
    )
    for row, out, line in planned:
        yield out, str(row["partner_id"]), None if line is None else {}


def counts(conn: psycopg.Connection, table: str) -> dict[str, dict[str, int]]:
    """Per legacy table: how many rows each outcome has in the plan."""
    result: dict[str, dict[str, int]] = {name: {} for name in LEGACY_TABLES}
    for row in conn.execute(f"SELECT legacy_table, outcome, count(*) AS n FROM {table} GROUP BY 1, 2"):
        result[row["legacy_table"]][row["outcome"]] = row["n"]
    return result
