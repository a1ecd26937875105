"""A bad DSN, an empty database, a foreign schema, a refused restore: one clear line, a non-zero exit,
never a traceback — through the commands as a user runs them."""

from __future__ import annotations

import psycopg
import pytest

from support import run_hexa

COMMANDS = [
    ("migrate", "analyze"),
    ("migrate", "backup", "--out", "{tmp}/bk"),
    ("migrate", "load"),
    ("migrate", "verify"),
]


def _fails_in_one_line(result, *needles: str) -> None:  # noqa: ANN001
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[1])
def test_an_unreachable_server_is_one_line(command: tuple[str, ...], tmp_path) -> None:  # noqa: ANN001
    dsn = "postgresql://hexa:s3cret-pw@127.0.0.1:9/hexabuilders"  # nothing listens on port 9
    result = run_hexa(*(c.format(tmp=tmp_path) for c in command), "--legacy-dsn", dsn)
    _fails_in_one_line(result, "cannot connect to the legacy database")
    assert "s3cret-pw" not in result.stderr  # the password never reaches a terminal or a log


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[1])
def test_an_empty_database_is_one_line(command: tuple[str, ...], legacy_dsn: str, tmp_path) -> None:  # noqa: ANN001
    result = run_hexa(*(c.format(tmp=tmp_path) for c in command), "--legacy-dsn", legacy_dsn)
    _fails_in_one_line(result, "none of the monolith's tables")


def test_a_foreign_schema_is_one_line(legacy_dsn: str) -> None:
    with psycopg.connect(legacy_dsn, autocommit=True) as conn:
        for table in ("partners", "contratos", "campaigns", "campaign_performance", "comisiones"):
            conn.execute(f"CREATE TABLE {table} (id uuid PRIMARY KEY, payload text)")
    _fails_in_one_line(
        run_hexa("migrate", "analyze", "--legacy-dsn", legacy_dsn), "lacks column", "not the monolith"
    )


def test_a_missing_table_is_named(legacy_dsn: str) -> None:
    assert run_hexa("legacy", "seed", "--legacy-dsn", legacy_dsn, "--partners", "3").returncode == 0
    with psycopg.connect(legacy_dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE comisiones")
    _fails_in_one_line(run_hexa("migrate", "analyze", "--legacy-dsn", legacy_dsn), "no table comisiones")


def test_no_dsn_at_all_is_one_line() -> None:
    result = run_hexa("migrate", "analyze", env={"LEGACY_DATABASE_URL": ""})
    _fails_in_one_line(result, "--legacy-dsn")


def test_seeding_refuses_a_database_that_has_data_unless_reset(legacy_dsn: str) -> None:
    assert run_hexa("legacy", "seed", "--legacy-dsn", legacy_dsn, "--partners", "3").returncode == 0
    _fails_in_one_line(run_hexa("legacy", "seed", "--legacy-dsn", legacy_dsn, "--partners", "3"), "--reset")
    assert (
        run_hexa("legacy", "seed", "--legacy-dsn", legacy_dsn, "--partners", "3", "--reset").returncode == 0
    )
