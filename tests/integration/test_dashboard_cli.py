"""`hexa dashboard` prints a signed-in link; `hexa migrate status` shows the dashboard's numbers in the
terminal — both against the running local cloud, as separate processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import requests

from support import register_partner


def _hexa(cloud, *args: str) -> str:  # noqa: ANN001
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "hexa_infra.cli",
            *args,
            "--api-url",
            cloud.api_url,
            "--stack",
            cloud.stack_name,
            "--endpoint-url",
            cloud.endpoint_url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_hexa_dashboard_prints_a_link_whose_fragment_signs_in_as_admin(cloud) -> None:  # noqa: ANN001
    link = _hexa(cloud, "dashboard").strip()
    assert link.startswith(f"{cloud.api_url}/_dashboard#token=")
    token = link.split("#token=", 1)[1]
    answer = requests.get(
        f"{cloud.api_url}/_dashboard/data", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    assert answer.status_code == 200 and answer.json()["stack"] == cloud.stack_name


def test_hexa_migrate_status_shows_every_panel_with_live_numbers(cloud, api) -> None:  # noqa: ANN001
    def active(shown: str) -> int:
        line = next(line for line in shown.splitlines() if "active partners" in line)
        return int(line.split("│")[2].strip())

    before = active(_hexa(cloud, "migrate", "status"))
    register_partner(api)
    deadline = time.monotonic() + 10  # the snapshot is at most 2 s old while watched
    while active(shown := _hexa(cloud, "migrate", "status")) < before + 1:
        assert time.monotonic() < deadline, "the new partner is not counted 10 s later"
        time.sleep(0.5)
    for title in ("Rollout", "Business", "Technical", "Infrastructure", "Integration"):
        assert title in shown
    assert "green: partner-management" in shown and "UP" in shown
