"""``hexa legacy seed``: a monolith database full of realistic data, optionally with production's dirt.

Spanish names with accents, ñ and the odd emoji, several contracts, campaigns, performance days and
commissions per partner, with the monolith's own rules (``monto = round(base × tasa, 2)``). With
``dirty=True`` every data-quality problem of ``../shared/legacy/README.md`` occurs, each on a few rows
(:data:`~hexa_infra.migration.seed_generator.PROBLEMS` names them; the tests assert each one's outcome).
Deterministic for a given seed. Rows go in with COPY, so 10,000 partners take seconds.
"""

from __future__ import annotations

from importlib import resources
from typing import Callable

from .legacy_db import LEGACY_TABLES, LegacyError, connect
from .seed_generator import COLUMNS, generate


def seed(
    dsn: str,
    partners: int,
    *,
    dirty: bool = False,
    reset: bool = False,
    seed_value: int = 42,
    progress: Callable[[str, int], None] = lambda table, rows: None,
) -> dict[str, int]:
    """Create the monolith's schema if absent and fill it; refuses a database that already holds data
    unless ``reset`` (which empties the legacy tables first)."""
    with connect(dsn, autocommit=False) as conn:
        existing = {
            r["table_name"]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND "
                "table_name = ANY(%s)",
                (list(LEGACY_TABLES),),
            )
        }
        if not existing:
            conn.execute(resources.files("hexa_infra.migration").joinpath("legacy_schema.sql").read_text())
        elif existing != set(LEGACY_TABLES):
            raise LegacyError(
                f"the database has only some of the legacy tables ({', '.join(sorted(existing))})"
            )
        held = sum(conn.execute(f"SELECT count(*) AS n FROM {t}").fetchone()["n"] for t in LEGACY_TABLES)
        if held and not reset:
            raise LegacyError(f"the legacy database already holds {held} rows: pass --reset to replace them")
        if held:
            conn.execute("TRUNCATE " + ", ".join(reversed(LEGACY_TABLES)))
        data = generate(partners, dirty=dirty, seed=seed_value)
        written = {}
        for table in LEGACY_TABLES:  # parents first: the foreign keys hold at every step
            rows = getattr(data, table)
            with conn.cursor().copy(f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            written[table] = len(rows)
            progress(table, len(rows))
        conn.commit()
    return written
