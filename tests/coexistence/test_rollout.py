"""`hexa rollout`, as an operator runs it, against `hexa up --legacy-dsn` (blue, green, the facade, change
capture both ways) with real traffic through the facade: seconds-long holds reaching 100 %, a rollback
on injected errors that loses no write green acknowledged, a quiet canary that never promotes, a
controller killed mid-rollout that goes on when started again, and shadow comparison catching a
difference planted in the monolith's data."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import uuid
from typing import Any, Iterator

import psycopg
import pytest
import requests

from hexa_infra.local.process import local_cloud

from blue_support import legacy_database

FAST = (
    "--interval",
    "1s",
    "--error-window",
    "4s",
    "--p95-window",
    "4s",
    "--lag-window",
    "5s",
    "--min-requests",
    "5",
    "--drain-timeout",
    "10s",
)


@pytest.fixture(scope="module")
def platform(postgres: str) -> Iterator[dict]:
    with (
        legacy_database(postgres, 12) as dsn,
        local_cloud(
            "hexa-rollout", "--legacy-dsn", dsn, "--blue-port", "0", "--facade-port", "0", start_timeout=240
        ) as ready,
    ):
        with psycopg.connect(dsn) as conn:
            partners = [str(r[0]) for r in conn.execute("SELECT id FROM partners ORDER BY id")]
        yield {**ready, "dsn": dsn, "partners": partners}


@pytest.fixture(autouse=True)
def all_blue(platform: dict) -> Iterator[None]:
    """Each test starts from blue, no rollout running, no fault."""
    yield
    fault(platform, "clear")
    hexa(platform, "rollout", "abort", check=False, control=True)


def hexa(
    platform: dict, *args: str, control: bool = False, check: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess:
    extra = ("--daemon-address", platform["xray_daemon_address"]) if control else ()
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
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def fault(platform: dict, *args: str) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "hexa_infra.cli",
            "fault",
            *args,
            "--stack",
            platform["stack"],
            "--daemon-address",
            platform["xray_daemon_address"],
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


def controller(platform: dict, *flags: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hexa_infra.cli",
            "rollout",
            "start",
            *flags,
            "--stack",
            platform["stack"],
            "--endpoint-url",
            platform["endpoint_url"],
            "--daemon-address",
            platform["xray_daemon_address"],
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def status(platform: dict) -> dict[str, Any]:
    shown = hexa(platform, "rollout", "status", "--json", "--last", "500", control=True, check=False)
    if shown.returncode == 1 and "no rollout has run" in shown.stdout:  # the controller has not written yet
        return {"state": {"status": None, "percent": None, "id": None}, "audit": []}
    assert shown.returncode == 0, shown.stdout + shown.stderr
    return json.loads(shown.stdout)


def wait_for(what: str, check, timeout: float = 60) -> Any:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(0.2)
    return found


class Load:
    """Reads (and with ``writes``, renames) partners through the facade until stopped; keeps, per
    partner, the last rename acknowledged (200) and by which side, and counts green's acknowledgements."""

    def __init__(self, platform: dict, *, writes: bool = False) -> None:
        self.platform, self.writes = platform, writes
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {platform['admin_token']}"
        self.last_acked: dict[
            str, tuple[str, str]
        ] = {}  # partner -> (side, name) of its last acknowledged rename
        self.green_acks = 0
        self.answers: list[tuple[str, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "Load":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        facade, n = self.platform["facade_url"], 0
        while not self._stop.is_set():
            partner = self.platform["partners"][n % len(self.platform["partners"])]
            n += 1
            try:
                if self.writes and n % 3 == 0:
                    name = f"Renamed {uuid.uuid4().hex[:8]}"
                    answer = self.http.patch(f"{facade}/partners/{partner}", json={"name": name}, timeout=10)
                    if answer.status_code == 200:
                        side = answer.headers.get("X-Served-By", "?")
                        self.last_acked[partner] = (side, name)
                        self.green_acks += side == "green"
                else:
                    answer = self.http.get(
                        f"{facade}/partners" if n % 2 else f"{facade}/partners/{partner}", timeout=10
                    )
                self.answers.append((answer.headers.get("X-Served-By", "?"), answer.status_code))
            except requests.RequestException:
                pass
            time.sleep(0.02)


def test_bad_flags_are_refused_before_anything_changes(platform: dict) -> None:
    for flags, expected in (
        (("--steps", "50,10", "--hold", "1s,1s"), "must send more traffic"),
        (("--steps", "10,50", "--hold", "1s"), "2 step(s)"),
        (("--steps", "10,150", "--hold", "1s,1s"), "150 is not a percentage"),
        (("--interval", "soon"), "not a duration"),
    ):
        done = hexa(platform, "rollout", "start", *flags, control=True, check=False)
        assert done.returncode == 2 and expected in done.stdout + done.stderr, done.stdout + done.stderr
    assert "green 0%" in hexa(platform, "traffic", "status").stdout
    done = hexa(platform, "traffic", "set", "--green", "150", check=False)
    assert done.returncode == 2 and "between 0 and 100" in done.stdout + done.stderr


def test_a_rollout_with_seconds_long_holds_reaches_100(platform: dict) -> None:
    with Load(platform) as load:
        run = controller(platform, "--steps", "10,50,100", "--hold", "2s,2s,0s", *FAST)
        out, _ = run.communicate(timeout=120)
        # the 20 answers after completion (the one request in flight when it completed aside): with a 0 s
        # hold at 100 %, "the last 20 of the run" could still reach back into the 50 % step
        settled = len(load.answers) + 1
        deadline = time.monotonic() + 15
        while len(load.answers) < settled + 20 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert run.returncode == 0, out
    seen = status(platform)
    assert seen["state"]["status"] == "COMPLETED" and seen["state"]["percent"] == 100
    moves = [e["decision"] for e in seen["audit"] if e["decision"].startswith("moved to")]
    assert moves == ["moved to 10%", "moved to 50%", "moved to 100%"]
    assert "green 100%" in hexa(platform, "traffic", "status").stdout
    served = {side for side, _ in load.answers[settled : settled + 20]}
    assert len(load.answers) >= settled + 20 and served == {"green"}


def test_injected_errors_roll_back_within_two_intervals_and_lose_no_green_write(platform: dict) -> None:
    with Load(platform, writes=True) as load:
        run = controller(platform, "--steps", "50,100", "--hold", "1h,0s", *FAST)
        wait_for("the canary at 50%", lambda: status(platform)["state"]["percent"] == 50)
        wait_for("green acknowledging writes", lambda: load.green_acks >= 3)
        load.writes = False  # from here reads only: the writes to check are the canary's, not blue's after it
        fault(platform, "set", "PartnerManagementApiFunction", "error-rate:0.6")
        out, _ = run.communicate(timeout=60)
    assert run.returncode == 3, out
    state = status(platform)["state"]
    assert state["status"] == "ROLLED_BACK" and "MigrationErrorRate" in state["reason"]
    assert state["outcome"]["seconds_to_zero"] <= 2.0  # two evaluation intervals of 1 s
    assert state["outcome"]["drain"]["drained"] and state["outcome"]["blue_health"]["ok"]
    assert "green 0%" in hexa(platform, "traffic", "status").stdout
    # no acknowledged write lost: each partner's last rename, whichever side acknowledged it, is in
    # PostgreSQL — for the partners green served last, only because green -> blue carried it there
    expected = {partner: name for partner, (_, name) in load.last_acked.items()}
    with psycopg.connect(platform["dsn"]) as conn:
        names = dict(
            conn.execute(
                "SELECT id::text, nombre FROM partners WHERE id::text = ANY(%s)", (list(expected),)
            ).fetchall()
        )
    assert load.green_acks >= 3 and names == expected
    assert any(side == "green" for side, _ in load.last_acked.values()), "no partner's last write was green's"


def test_a_quiet_canary_is_inconclusive_and_never_promotes(platform: dict) -> None:
    before = status(platform)["state"]["id"]  # the previous test's rollout (its audit has holds too)

    def three_holds_of_this_rollout() -> bool:
        seen = status(platform)
        return seen["state"]["id"] != before and sum(e["decision"] == "hold" for e in seen["audit"]) >= 3

    run = controller(
        platform, "--steps", "10,100", "--hold", "1s,0s", "--interval", "1s", "--min-requests", "50"
    )
    try:
        wait_for("three evaluations", three_holds_of_this_rollout)
    finally:
        run.send_signal(signal.SIGINT)
        run.wait(timeout=30)
    seen = status(platform)
    assert seen["state"]["status"] == "PROGRESSING" and seen["state"]["percent"] == 10
    assert not [e for e in seen["audit"] if e["decision"] in ("promote", "moved to 100%")]
    gates = seen["state"]["last"]["gates"]
    assert gates["MigrationErrorRate"]["state"] == gates["CrossServiceLatency"]["state"] == "inconclusive"
    assert any("inconclusive" in reason for reason in seen["state"]["last"]["reasons"])


def test_a_controller_killed_mid_rollout_goes_on_when_started_again(platform: dict) -> None:
    flags = ("--steps", "10,50,100", "--hold", "3s,1s,0s", *FAST)
    with Load(platform):
        first = controller(platform, *flags)
        wait_for("the canary at 10%", lambda: status(platform)["state"]["percent"] == 10)
        first.kill()  # SIGKILL: no clean-up of any kind
        first.wait(timeout=10)
        other = hexa(
            platform, "rollout", "start", "--steps", "20,100", "--hold", "1s,0s", control=True, check=False
        )
        assert other.returncode == 2 and "abort" in other.stdout + other.stderr
        again = controller(platform, *flags)
        out, _ = again.communicate(timeout=120)
    assert again.returncode == 0, out
    seen = status(platform)
    assert seen["state"]["status"] == "COMPLETED"
    decisions = [e["decision"] for e in seen["audit"]]
    assert "controller started again: continuing" in decisions
    assert [d for d in decisions if d.startswith("moved to")] == [
        "moved to 10%",
        "moved to 50%",
        "moved to 100%",
    ]


def test_shadow_comparison_catches_a_planted_difference(platform: dict) -> None:
    partner = platform["partners"][-1]
    with psycopg.connect(platform["dsn"]) as conn:  # as the green -> blue writer writes: not captured
        conn.execute("SELECT set_config('hexa.origin', 'green', true)")
        conn.execute("UPDATE partners SET nombre = 'Planted on blue only' WHERE id = %s", (partner,))
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {platform['admin_token']}"
    run = controller(platform, "--steps", "100", "--hold", "1h", "--shadow", "100", *FAST)
    try:
        wait_for("green at 100%", lambda: status(platform)["state"]["percent"] == 100)
        wait_for(
            "INVESTIGATING",
            lambda: (
                http.get(f"{platform['facade_url']}/partners/{partner}")
                and status(platform)["state"]["status"] == "INVESTIGATING"
            ),
        )
    finally:
        run.send_signal(signal.SIGINT)
        run.wait(timeout=30)
    state = status(platform)["state"]
    assert "DataInconsistency" in state["reason"] and "GET /partners/{}" in state["reason"]
    route = state["last"]["shadow"]["routes"]["GET /partners/{}"]
    assert route["mismatches"] >= 1 and route["examples"][0]["fields"] == ["name"]
    assert "green 100%" in hexa(platform, "traffic", "status").stdout  # halted, not moved
