"""`hexa cdc` as an operator runs it: `status` shows the lag and what was refused and why, `retry` puts the
refused changes back, `run` applies changes from its own process."""

from __future__ import annotations

import subprocess
import sys

import psycopg

from hexa_infra.coexistence import capture
from hexa_infra.coexistence.blue_to_green import BlueToGreen

from legacy_support import new_partner
from support import poll


def test_hexa_cdc_status_shows_the_lag_and_what_was_refused_and_retry_redrives_it(
    legacy: str, cdc: BlueToGreen
) -> None:
    bad = new_partner(legacy, email="still not an email")
    cdc.apply_pending()

    def hexa(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "hexa_infra.cli", "cdc", *args, "--legacy-dsn", legacy],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    shown = hexa("status", "--last", "50")
    assert "0 pending" in shown and "rejected" in shown
    assert bad[:8] in shown and "email" in shown  # the row (rich may wrap the id) and why
    assert "rejected change(s) pending again" in hexa("retry")
    assert capture.backlog(psycopg.connect(legacy)).pending >= 1


def test_hexa_cdc_run_applies_changes_from_its_own_process(legacy: str, cloud, api) -> None:  # noqa: ANN001
    partner_id = new_partner(legacy, nombre="Via hexa cdc run")
    runner = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hexa_infra.cli",
            "cdc",
            "run",
            "--legacy-dsn",
            legacy,
            "--stack",
            cloud.stack_name,
            "--endpoint-url",
            cloud.endpoint_url,
            "--workers",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        poll(
            lambda: api.get(f"/partners/{partner_id}").status_code == 200,
            timeout=30,
            what="the partner on green",
        )
        assert api.get(f"/partners/{partner_id}").json()["name"] == "Via hexa cdc run"
    finally:
        runner.terminate()
        runner.wait(timeout=30)
