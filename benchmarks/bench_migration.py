"""Migration benchmark: `hexa migrate load` and `verify` on a realistic monolith, next to the emulator's
floor.

    python benchmarks/bench_migration.py [--partners 10000] [--small 2500] [--workers 4]

Seeds a legacy database (`hexa legacy seed --dirty`: ~2.5 campaigns, ~14 performance days and ~5
commissions per partner), starts `hexa up` in its own process, then measures, in the same run:
* raw BatchWriteItem items/s over one connection into the same emulator (the floor to compare with);
* load rows/s and DynamoDB items/s (target ≥ 0.8 × raw), with the load's peak RSS;
* verify rows/s; backup and restore seconds;
* the load's peak RSS again for a smaller database (it must stay flat: pages, not tables, in memory).
Each command runs as its own process, as a user runs it. Needs the PostgreSQL of infra/postgres.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import boto3
import psycopg

from harness import ROOT, local_cloud


def hexa(*args: str) -> tuple[subprocess.CompletedProcess, float, int]:
    """Run the CLI as its own process: (result, seconds, that process's own peak RSS in MB, from wait4)."""
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "hexa_infra.cli", *args],
            stdout=out,
            stderr=err,
            cwd=ROOT,
            env={**os.environ, "COLUMNS": "200"},
        )
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        done = subprocess.CompletedProcess(process.args, process.returncode, out.read(), err.read())
    if done.returncode not in (0, 1):
        raise SystemExit(f"hexa {' '.join(args[:2])} failed:\n{done.stdout}\n{done.stderr}")
    return done, time.monotonic() - started, usage.ru_maxrss // 1024


def database(server: str) -> str:
    name = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return server.rsplit("/", 1)[0] + f"/{name}"


def raw_floor(endpoint: str, items: int = 5000) -> float:
    """BatchWriteItem over one connection, 25 items a call, items shaped like a performance day."""
    ddb = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    table = f"bench-raw-{uuid.uuid4().hex[:6]}"
    ddb.create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "campaign_id", "AttributeType": "S"},
            {"AttributeName": "day", "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": "campaign_id", "KeyType": "HASH"},
            {"AttributeName": "day", "KeyType": "RANGE"},
        ],
    )
    started = time.monotonic()
    for start in range(0, items, 25):
        batch = [
            {
                "PutRequest": {
                    "Item": {
                        "campaign_id": {"S": str(uuid.uuid4())},
                        "day": {"S": "2026-01-01"},
                        "impressions": {"N": "1000"},
                        "clicks": {"N": "40"},
                        "conversions": {"N": "4"},
                        "revenue": {"N": "400.00"},
                        "spend": {"N": "50.00"},
                    }
                }
            }
            for _ in range(min(25, items - start))
        ]
        ddb.batch_write_item(RequestItems={table: batch})
    return items / (time.monotonic() - started)


def loaded(stdout: str) -> tuple[int, int, float, float]:
    """(rows, items, seconds writing, seconds in all: writing + waiting for the contract projection)."""
    text = " ".join(stdout.split())
    match = re.search(r"loaded (\d+) rows \((\d+) items\) in ([\d.]+) s.*written in ([\d.]+) s", text)
    if not match:
        raise SystemExit(f"unexpected load output:\n{stdout}")
    return int(match[1]), int(match[2]), float(match[4]), float(match[3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=2_500, help="the second size, for the flat-memory check")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    server = (
        os.environ.get("LEGACY_DATABASE_URL")
        or subprocess.run(
            ["bash", str(ROOT / "infra/postgres/start.sh")], capture_output=True, text=True, check=True
        )
        .stdout.strip()
        .split("=", 1)[1]
    )

    results: dict[str, object] = {}
    for label, partners in (("large", args.partners), ("small", args.small)):
        dsn = database(server)
        _, seeded_s, _ = hexa("legacy", "seed", "--legacy-dsn", dsn, "--partners", str(partners), "--dirty")
        with psycopg.connect(dsn) as conn:
            counts = {
                t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("partners", "contratos", "campaigns", "campaign_performance", "comisiones")
            }
        with local_cloud(f"hexa-bench-mig-{label}") as cloud:
            target = ["--legacy-dsn", dsn, "--stack", cloud["stack"], "--endpoint-url", cloud["endpoint_url"]]
            raw_empty = raw_floor(cloud["endpoint_url"])
            load_run, load_s, load_rss = hexa("migrate", "load", "--workers", str(args.workers), *target)
            rows, items, inner_s, total_s = loaded(load_run.stdout)
            raw_full = raw_floor(
                cloud["endpoint_url"]
            )  # moto slows as it fills: the floor after the load too
            raw = (raw_empty + raw_full) / 2
            verify_run, verify_s, verify_rss = hexa("migrate", "verify", *target)
            ok = "OK:" in verify_run.stdout
        with tempfile.TemporaryDirectory() as backup_dir:
            _, backup_s, _ = hexa("migrate", "backup", "--legacy-dsn", dsn, "--out", backup_dir)
            _, restore_s, _ = hexa("migrate", "restore", "--legacy-dsn", dsn, "--from", backup_dir, "--yes")
        legacy_rows = sum(counts.values())
        results[label] = {
            "legacy": counts,
            "seed_s": round(seeded_s, 1),
            "raw_items_per_s": round(raw),
            "raw_empty": round(raw_empty),
            "raw_full": round(raw_full),
            "load_s": round(load_s, 1),
            "load_write_s": round(inner_s, 1),
            "projection_wait_s": round(total_s - inner_s, 1),
            "load_rows_per_s": round(rows / inner_s),
            "load_items_per_s": round(items / inner_s),
            "ratio_to_raw": round(items / inner_s / raw, 2),
            "load_peak_rss_mb": load_rss,
            "verify_s": round(verify_s, 1),
            "verify_rows_per_s": round(legacy_rows / verify_s),
            "verify_ok": ok,
            "verify_peak_rss_mb": verify_rss,
            "backup_s": round(backup_s, 2),
            "restore_s": round(restore_s, 2),
        }
        print(f"\n{label}: {legacy_rows:,} legacy rows {counts}")
        print(
            f"  raw BatchWriteItem, 1 connection : {raw:,.0f} items/s (empty emulator {raw_empty:,.0f}, "
            f"after the load {raw_full:,.0f})"
        )
        print(
            f"  load ({args.workers} workers)            : {rows:,} rows in {inner_s:.1f} s = "
            f"{rows / inner_s:,.0f} rows/s, "
            f"{items / inner_s:,.0f} items/s = {items / inner_s / raw:.2f} × raw  [target ≥ 0.8×: "
            f"{'ok' if items / inner_s >= 0.8 * raw else 'MISS'}]; peak RSS {load_rss} MB; then "
            f"{total_s - inner_s:.1f} s until the contracts' read model served every contract"
        )
        print(
            f"  verify                           : {legacy_rows / verify_s:,.0f} rows/s ({verify_s:.1f} s, "
            f"{'OK' if ok else 'NOT OK'}); peak RSS {verify_rss} MB"
        )
        print(f"  backup {backup_s:.2f} s, restore {restore_s:.2f} s")
    print(
        "\npeak load RSS: large {large} MB vs small {small} MB (flat memory: pages, not tables)".format(
            large=results["large"]["load_peak_rss_mb"], small=results["small"]["load_peak_rss_mb"]
        )
    )  # type: ignore[index]
    print(json.dumps(results))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
