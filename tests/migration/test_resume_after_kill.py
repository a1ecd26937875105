"""`kill -9` in the middle of a load, then the same command again: the end state of an uninterrupted
run — nothing missing, nothing twice — proven by `hexa migrate verify` on a platform of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psycopg

from support import poll, run_hexa


def _checkpointed_rows(dsn: str, stack: str) -> int:
    with psycopg.connect(dsn) as conn:
        found = conn.execute("SELECT to_regclass('hexa_migration.checkpoints') IS NOT NULL").fetchone()[0]
        if not found:
            return 0
        return conn.execute(
            "SELECT coalesce(sum(rows), 0) FROM hexa_migration.checkpoints WHERE target LIKE %s",
            (f"{stack}@%",),
        ).fetchone()[0]


def test_kill_nine_mid_load_then_rerun_ends_as_an_uninterrupted_load(platform: dict, legacy_dsn: str) -> None:
    assert (
        run_hexa("legacy", "seed", "--legacy-dsn", legacy_dsn, "--partners", "120", "--dirty").returncode == 0
    )
    target = [
        "--legacy-dsn",
        legacy_dsn,
        "--stack",
        platform["stack"],
        "--endpoint-url",
        platform["endpoint_url"],
    ]
    first = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hexa_infra.cli",
            "migrate",
            "load",
            "--workers",
            "2",
            "--page",
            "20",
            *target,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "200"},
    )
    poll(
        lambda: _checkpointed_rows(legacy_dsn, platform["stack"]) >= 200,
        timeout=60,
        interval=0.05,
        what="the first load to write some pages",
    )
    time.sleep(0.3)  # well inside a page: the writes in flight are cut off
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert first.returncode == -signal.SIGKILL
    done_before = _checkpointed_rows(legacy_dsn, platform["stack"])

    resumed = run_hexa("migrate", "load", *target)
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed and loaded" in resumed.stdout
    written_now = int(resumed.stdout.split("resumed and loaded ")[1].split(" rows")[0])
    with psycopg.connect(legacy_dsn) as conn:
        kept = conn.execute(
            "SELECT count(*) FROM hexa_migration.outcomes WHERE outcome IN ('migrated', 'normalised')"
        ).fetchone()[0]
    assert written_now == kept - done_before  # the second run did only what the first had not checkpointed
    verified = run_hexa("migrate", "verify", *target)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "OK:" in verified.stdout
