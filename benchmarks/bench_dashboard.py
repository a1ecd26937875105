"""Dashboard benchmark (not a test): the data endpoint's latency and what an open page costs the cloud.

    python benchmarks/bench_dashboard.py [--runs 300] [--seconds 30] [--partners 200]

Starts `hexa up` (its own process; demo data plus --partners registered through the API), then:
* GET /_dashboard/data p50/p95 over --runs calls (target p95 < 50 ms);
* the `hexa up` process's CPU over --seconds with nobody watching, then with the page open (a poll
  of /_dashboard/data every 2 s, what the page does), from /proc (target: < 2 % of a core added).
"""

from __future__ import annotations

import argparse
import os
import time

from harness import local_cloud, percentiles, print_row, register, session

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def cpu_percent(pid: int, seconds: float, during=None) -> float:  # noqa: ANN001
    start_cpu, start = cpu_seconds(pid), time.monotonic()
    while time.monotonic() - start < seconds:
        if during is not None:
            during()
        time.sleep(2.0)
    return 100 * (cpu_seconds(pid) - start_cpu) / (time.monotonic() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--partners", type=int, default=200)
    args = parser.parse_args()
    with local_cloud("hexa-bench-dashboard") as info:
        http = session(info["admin_token"])
        for _ in range(args.partners):
            register(http, info["api_url"])
        data = f"{info['api_url']}/_dashboard/data"
        http.get(data).raise_for_status()  # the first snapshot
        time.sleep(3)
        samples = []
        for _ in range(args.runs):
            started = time.perf_counter()
            http.get(data).raise_for_status()
            samples.append(time.perf_counter() - started)
            time.sleep(0.01)
        print("\ndashboard data endpoint (GET /_dashboard/data, admin token)")
        print_row("latency", percentiles(samples), "(target p95 < 50 ms)")
        time.sleep(20)  # the collector goes idle 15 s after the last request
        idle = cpu_percent(info["pid"], args.seconds)
        watched = cpu_percent(info["pid"], args.seconds, during=lambda: http.get(data).raise_for_status())
        print(
            f"\n`hexa up` CPU, % of one core, over {args.seconds:g} s: nobody watching {idle:.2f} %, page "
            "open "
            f"(a poll every 2 s) {watched:.2f} % → added {watched - idle:+.2f} % (target < 2 %)"
        )


if __name__ == "__main__":
    main()
