"""Blue/green benchmark (not a test): the facade's overhead, change-capture lag each way, rollback time.

    python benchmarks/bench_coexistence.py [--runs 400] [--writes 250] [--rate 50] [--rollbacks 3]

Seeds a monolith database on the PostgreSQL of infra/postgres (`hexa legacy seed`), starts
`hexa up --legacy-dsn` in its own process (blue, green, the facade, capture both ways), then measures:

* facade overhead — GET /partners/{id} straight to a side vs through the facade to the same side,
  interleaved call by call, p50/p95 of each and the difference (target: < 2 ms added at p95);
* blue -> green lag at --rate writes/s — PATCHes on blue; per change, hexa_cdc's captured_at →
  applied_at (applied = on green);
* green -> blue lag at --rate writes/s — PATCHes on green; per write, its acknowledgement → the first
  poll (every 10 ms) that sees the new name in PostgreSQL;
* rollback — a rollout at 50 % with 1 s evaluations; errors injected into green; seconds from the
  first failing evaluation to 0 % green (and the whole rollback, drain and blue health check included).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Iterator

import psycopg

from harness import ROOT, local_cloud, percentiles, print_row, session


@contextmanager
def legacy_database(partners: int) -> Iterator[str]:
    server = os.environ.get("LEGACY_DATABASE_URL")
    if not server:
        sys.exit('no PostgreSQL: eval "$(infra/postgres/start.sh)" first (make bench does)')
    name = f"bench_bg_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    dsn = server.rsplit("/", 1)[0] + f"/{name}"
    try:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "hexa_infra.cli",
                "legacy",
                "seed",
                "--legacy-dsn",
                dsn,
                "--partners",
                str(partners),
            ],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        yield dsn
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def hexa(info: dict, *args: str, control: bool = False, stack: bool = True) -> subprocess.CompletedProcess:
    extra = (
        ("--stack", info["stack"], "--endpoint-url", info["endpoint_url"])
        if stack
        else ("--stack", info["stack"])
    )
    extra += ("--daemon-address", info["xray_daemon_address"]) if control else ()
    return subprocess.run(
        [sys.executable, "-m", "hexa_infra.cli", *args, *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def set_green(info: dict, percent: float) -> None:
    hexa(info, "traffic", "set", "--green", str(percent)).check_returncode()
    time.sleep(1.2)  # the facade's one-second cache


def overhead(info: dict, partners: list[str], runs: int) -> None:
    http = session(info["admin_token"])
    print("\nfacade overhead (GET /partners/{id}, interleaved; ms)")
    for side, percent, direct_url in (("blue", 0, info["blue_url"]), ("green", 100, info["api_url"])):
        set_green(info, percent)
        direct, via = [], []
        for n in range(runs + 20):
            partner = partners[n % len(partners)]
            for url, into in ((direct_url, direct), (info["facade_url"], via)):
                started = time.perf_counter()
                answer = http.get(f"{url}/partners/{partner}")
                elapsed = (time.perf_counter() - started) * 1000
                assert answer.status_code == 200, answer.text
                if url == info["facade_url"]:
                    assert answer.headers["X-Served-By"] == side
                if n >= 20:  # warm-up
                    into.append(elapsed / 1000)
        d, v = percentiles(direct), percentiles(via)
        print_row(f"{side} direct", d)
        print_row(f"{side} via facade", v)
        print(
            f"    added: p50 {v['p50'] - d['p50']:+.2f} ms, p95 {v['p95'] - d['p95']:+.2f} ms "
            f"(target < 2 ms at p95)"
        )


def paced(rate: float, count: int, action) -> None:  # noqa: ANN001
    with ThreadPoolExecutor(max_workers=8) as pool:
        start = time.monotonic()
        futures = []
        for n in range(count):
            delay = start + n / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(action, n))
        for future in futures:
            future.result()


def blue_to_green(info: dict, dsn: str, partners: list[str], writes: int, rate: float) -> None:
    http = session(info["admin_token"])
    with psycopg.connect(dsn) as conn:
        first = conn.execute("SELECT coalesce(max(seq), 0) FROM hexa_cdc.changes").fetchone()[0]
    started = time.monotonic()
    paced(
        rate,
        writes,
        lambda n: http.patch(
            f"{info['blue_url']}/partners/{partners[n % len(partners)]}", json={"name": f"blue {n}"}
        ).raise_for_status(),
    )
    took = time.monotonic() - started
    deadline = time.monotonic() + 60
    while True:
        with psycopg.connect(dsn) as conn:
            rows = conn.execute(
                "SELECT extract(epoch FROM applied_at - captured_at) FROM hexa_cdc.changes "
                "WHERE seq > %s AND table_name = 'partners'",
                (first,),
            ).fetchall()
        if all(r[0] is not None for r in rows) and len(rows) >= writes or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    lags = [float(r[0]) for r in rows if r[0] is not None]
    print(
        f"\nblue -> green at {writes / took:.0f} writes/s ({len(lags)} of {writes} changes applied; "
        f"captured_at → applied_at)"
    )
    print_row("lag", percentiles(lags))


def green_to_blue(info: dict, dsn: str, partners: list[str], writes: int, rate: float) -> None:
    http = session(info["admin_token"])
    acked: dict[str, float] = {}
    seen: dict[str, float] = {}
    stop = threading.Event()

    def watch() -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            while not stop.is_set():
                now = time.monotonic()
                for (name,) in conn.execute("SELECT nombre FROM partners WHERE nombre LIKE 'green %%'"):
                    seen.setdefault(name, now)
                time.sleep(0.01)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()

    def write(n: int) -> None:
        partner = partners[n % len(partners)]
        answer = http.patch(f"{info['api_url']}/partners/{partner}", json={"name": f"green {n}"})
        answer.raise_for_status()
        acked[f"green {n}"] = time.monotonic()

    # one writer per partner at a time: a partner's next name must not replace the previous one before
    # the watcher can see it, so the writes rotate over enough partners
    started = time.monotonic()
    paced(rate, writes, write)
    took = time.monotonic() - started
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len([n for n in acked if n in seen]) < len(acked) * 0.98:
        time.sleep(0.1)
    stop.set()
    watcher.join()
    lags = [max(0.0, seen[n] - acked[n]) for n in acked if n in seen]
    print(
        f"\ngreen -> blue at {writes / took:.0f} writes/s ({len(lags)} of {writes} writes seen in "
        "PostgreSQL; "
        "acknowledged → first seen, 10 ms polls; a name replaced before a poll saw it is not counted)"
    )
    print_row("lag", percentiles(lags))


def rollbacks(info: dict, partners: list[str], times: int) -> None:
    print("\nrollback on injected errors (1 s evaluations, 4 s error window, 5 requests minimum)")
    for attempt in range(times):
        set_green(info, 0)
        stop = threading.Event()

        def load() -> None:
            http = session(info["admin_token"])
            n = 0
            while not stop.is_set():
                http.get(f"{info['facade_url']}/partners/{partners[n % len(partners)]}")
                n += 1
                time.sleep(0.01)

        thread = threading.Thread(target=load, daemon=True)
        thread.start()
        controller = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hexa_infra.cli",
                "rollout",
                "start",
                "--steps",
                "50,100",
                "--hold",
                "1h,0s",
                "--interval",
                "1s",
                "--error-window",
                "4s",
                "--p95-window",
                "4s",
                "--min-requests",
                "5",
                "--stack",
                info["stack"],
                "--endpoint-url",
                info["endpoint_url"],
                "--daemon-address",
                info["xray_daemon_address"],
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        time.sleep(4)
        hexa(
            info, "fault", "set", "PartnerManagementApiFunction", "error-rate:0.5", control=True, stack=False
        ).check_returncode()
        injected = time.monotonic()
        controller.wait(timeout=120)
        whole = time.monotonic() - injected
        stop.set()
        thread.join()
        hexa(info, "fault", "clear", control=True, stack=False)
        state = json.loads(hexa(info, "rollout", "status", "--json", control=True).stdout)["state"]
        outcome = state["outcome"]
        print(
            f"  #{attempt + 1}: {state['status']}; first failing evaluation → 0 % green "
            f"{outcome.get('seconds_to_zero', float('nan')) * 1000:.0f} ms; fault injected → rollback done "
            f"{whole:.2f} s (drain {outcome['drain'].get('seconds', '?')} s, blue healthy "
            f"{outcome['blue_health'].get('ok')})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=400)
    parser.add_argument("--writes", type=int, default=250)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--rollbacks", type=int, default=3)
    parser.add_argument("--partners", type=int, default=60)
    args = parser.parse_args()
    with (
        legacy_database(args.partners) as dsn,
        local_cloud(
            "hexa-bench-bg", "--legacy-dsn", dsn, "--blue-port", "0", "--facade-port", "0", start_timeout=300
        ) as info,
    ):
        with psycopg.connect(dsn) as conn:
            partners = [
                str(r[0]) for r in conn.execute("SELECT id FROM partners WHERE estado = 'ACTIVO' ORDER BY id")
            ]
        overhead(info, partners, args.runs)
        set_green(info, 0)
        blue_to_green(info, dsn, partners, args.writes, args.rate)
        green_to_blue(info, dsn, partners, args.writes, args.rate)
        rollbacks(info, partners, args.rollbacks)


if __name__ == "__main__":
    main()
