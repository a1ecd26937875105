"""`hexa up --legacy-dsn`, as a user runs it: the monolith's data loaded into green, blue serving the
same database, the facade in front — and `hexa traffic set` moving a partner from one to the other."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Iterator

import psycopg
import pytest
import requests

from hexa_infra.local.process import local_cloud

from blue_support import legacy_database

COMPARED = ("partner_id", "name", "email", "partner_type", "country", "commission_rate", "status")


@pytest.fixture(scope="module")
def platform(postgres: str) -> Iterator[dict]:
    with (
        legacy_database(postgres, 8) as dsn,
        local_cloud(
            "hexa-bg-up", "--legacy-dsn", dsn, "--blue-port", "0", "--facade-port", "0", start_timeout=240
        ) as ready,
    ):
        yield {**ready, "dsn": dsn}


def _hexa_plain(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "hexa_infra.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "400"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _hexa(platform: dict, *args: str) -> str:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "hexa_infra.cli",
            *args,
            "--stack",
            platform["stack"],
            "--endpoint-url",
            platform["endpoint_url"],
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_blue_and_green_serve_the_same_partner_and_traffic_moves_it(platform: dict) -> None:
    with psycopg.connect(platform["dsn"]) as conn:
        partner = str(conn.execute("SELECT id FROM partners ORDER BY id LIMIT 1").fetchone()[0])
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {platform['admin_token']}"
    blue = http.get(f"{platform['blue_url']}/partners/{partner}")
    green = http.get(f"{platform['api_url']}/partners/{partner}")
    assert blue.status_code == green.status_code == 200
    assert {k: blue.json()[k] for k in COMPARED} == {k: green.json()[k] for k in COMPARED}

    assert "green 0%" in _hexa(platform, "traffic", "status")
    assert http.get(f"{platform['facade_url']}/partners/{partner}").headers["X-Served-By"] == "blue"
    moved = _hexa(
        platform, "traffic", "set", "--green", "100", "--daemon-address", platform["xray_daemon_address"]
    )
    assert "green 0% → 100%" in moved and "blue to green: drained in" in moved  # the movers' changes first
    deadline = time.monotonic() + 5  # the facade's state cache is a second
    while http.get(f"{platform['facade_url']}/partners/{partner}").headers["X-Served-By"] != "green":
        assert time.monotonic() < deadline, (
            "the facade still serves blue 5 s after hexa traffic set --green 100"
        )
        time.sleep(0.2)
    assert "green 100% of partners" in _hexa(platform, "traffic", "status")


def test_traffic_set_refuses_a_percentage_out_of_range(platform: dict) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "hexa_infra.cli",
            "traffic",
            "set",
            "--green",
            "140",
            "--stack",
            platform["stack"],
            "--endpoint-url",
            platform["endpoint_url"],
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "between 0 and 100" in done.stdout + done.stderr


def _within(seconds: float, what: str, check) -> float:  # noqa: ANN001
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, f"{what} not seen within {seconds} s"
        time.sleep(0.1)
    return time.monotonic() - started


def test_each_side_sees_the_others_writes_within_5_s_and_nothing_loops(platform: dict) -> None:
    with psycopg.connect(platform["dsn"]) as conn:
        partner = str(conn.execute("SELECT id FROM partners ORDER BY id OFFSET 1 LIMIT 1").fetchone()[0])
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {platform['admin_token']}"

    assert (
        http.patch(f"{platform['blue_url']}/partners/{partner}", json={"name": "Written on blue"}).status_code
        == 200
    )
    _within(
        5,
        "the blue write on green",
        lambda: http.get(f"{platform['api_url']}/partners/{partner}").json()["name"] == "Written on blue",
    )

    assert (
        http.patch(f"{platform['api_url']}/partners/{partner}", json={"name": "Written on green"}).status_code
        == 200
    )
    created = http.post(
        f"{platform['api_url']}/partners",
        json={
            "name": "Born green",
            "email": f"born.{partner[:8]}@green.example",
            "partner_type": "AGENCY",
            "country": "FR",
            "commission_rate": "0.12",
        },
    )
    assert created.status_code == 201, created.text

    def legacy(query: str, *params: str) -> list[tuple]:
        with psycopg.connect(platform["dsn"]) as conn:
            return conn.execute(query, params).fetchall()

    _within(
        5,
        "the green write in PostgreSQL",
        lambda: legacy("SELECT nombre FROM partners WHERE id = %s", partner) == [("Written on green",)],
    )
    _within(
        5,
        "the partner created on green in PostgreSQL",
        lambda: (
            legacy("SELECT nombre, tipo FROM partners WHERE id = %s", created.json()["partner_id"])
            == [("Born green", "AGENCIA")]
        ),
    )

    time.sleep(1.5)  # room for a loop to show: each change would come back as a new one
    captured = legacy("SELECT outcome FROM hexa_cdc.changes WHERE row_id = %s", partner)
    assert captured == [("applied",)]  # blue's PATCH, once; green's write was not captured back
    assert http.get(f"{platform['api_url']}/partners/{partner}").json()["name"] == "Written on green"
    assert legacy(
        "SELECT count(*) FROM hexa_cdc.changes WHERE row_id = %s", created.json()["partner_id"]
    ) == [(0,)]

    # each direction's lag is a metric: hexa metrics shows the change capture's and the writer's event age
    shown = json.loads(
        _hexa_plain(
            "metrics",
            "--json",
            "--stack",
            platform["stack"],
            "--daemon-address",
            platform["xray_daemon_address"],
        )
    )
    consumers = {s["dimensions"].get("consumer") for s in shown if s["metric"] == "EventAge"}
    assert {"cdc.blue-to-green", "legacy-writer"} <= consumers


def test_the_dashboard_is_served_through_the_facade_with_blue_green_numbers(platform: dict) -> None:
    page = requests.get(f"{platform['facade_url']}/_dashboard")
    assert page.status_code == 200 and page.headers["X-Served-By"] == "green" and "Sign in" in page.text
    assert requests.get(f"{platform['facade_url']}/_dashboard/data").status_code == 401
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {platform['admin_token']}"
    http.get(f"{platform['facade_url']}/partners")  # one answer through the facade to show per side
    deadline = time.monotonic() + 10
    while True:
        data = http.get(f"{platform['facade_url']}/_dashboard/data").json()
        if data["technical"].get("sides") and data["infrastructure"].get("postgres"):
            break
        assert time.monotonic() < deadline, data
        time.sleep(0.5)
    assert data["blue_green"] is True
    assert {"blue_to_green", "green_to_blue"} <= set(data["technical"]["cdc"])
    names = {check["name"]: check["ok"] for check in data["integration"]["checks"]}
    assert names["blue: the monolith"] and names["PostgreSQL (the monolith's)"]
    assert data["infrastructure"]["postgres"]["connections"] >= 1
    assert any(p["name"].startswith("blue") and p["up"] for p in data["infrastructure"]["processes"])
