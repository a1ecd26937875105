"""Shared benchmark plumbing: start `hexa up` as its own process, time things, print percentiles."""

from __future__ import annotations

import statistics
import time
import uuid
from pathlib import Path
from typing import Callable

import boto3
import requests

from hexa_infra.local.process import local_cloud  # noqa: F401 - the benchmarks' way to start a cloud

ROOT = Path(__file__).resolve().parents[1]


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000  # noqa: E731
    return {
        "n": len(ordered),
        "p50": pick(0.50),
        "p95": pick(0.95),
        "p99": pick(0.99),
        "mean": statistics.fmean(ordered) * 1000,
    }


def timed(action: Callable[[], object], runs: int, warmup: int = 5) -> list[float]:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


def wait_until(probe: Callable[[], object], timeout: float = 10.0, interval: float = 0.002) -> None:
    deadline = time.monotonic() + timeout
    while not probe():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark condition not reached")
        time.sleep(interval)


def session(token: str) -> requests.Session:
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    return http


def emulator_floor(endpoint: str, runs: int) -> dict[str, dict[str, float]]:
    """GetItem / PutItem / 3-item TransactWriteItems on a fresh table of the same emulator, same run."""
    ddb = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    table = f"bench-floor-{uuid.uuid4().hex[:6]}"
    ddb.create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    )
    item = lambda: {"pk": {"S": str(uuid.uuid4())}, "payload": {"S": "x" * 300}}  # noqa: E731
    ddb.put_item(TableName=table, Item={"pk": {"S": "fixed"}, "payload": {"S": "x" * 300}})
    return {
        "GetItem": percentiles(
            timed(
                lambda: ddb.get_item(TableName=table, Key={"pk": {"S": "fixed"}}, ConsistentRead=True), runs
            )
        ),
        "PutItem": percentiles(timed(lambda: ddb.put_item(TableName=table, Item=item()), runs)),
        "TransactWriteItems×3": percentiles(
            timed(
                lambda: ddb.transact_write_items(
                    TransactItems=[
                        {
                            "Put": {
                                "TableName": table,
                                "Item": item(),
                                "ConditionExpression": "attribute_not_exists(pk)",
                            }
                        }
                        for _ in range(3)
                    ]
                ),
                runs,
            )
        ),
    }


def print_floor(floor: dict[str, dict[str, float]]) -> None:
    print("\nemulator floor (same run, boto3, one TCP connection per call as moto closes it):")
    for name, stats in floor.items():
        print(f"  {name:<26} p50 {stats['p50']:7.1f} ms   p95 {stats['p95']:7.1f} ms")


def print_row(name: str, stats: dict[str, float], note: str = "") -> None:
    print(
        f"  {name:<26} p50 {stats['p50']:7.1f} ms   p95 {stats['p95']:7.1f} ms   p99 {stats['p99']:7.1f} ms"
        f"   (n={stats['n']}) {note}"
    )


def register(http: requests.Session, api: str) -> dict:
    unique = uuid.uuid4().hex[:12]
    response = http.post(
        f"{api}/partners",
        json={
            "name": f"Bench {unique}",
            "email": f"b-{unique}@bench.example",
            "partner_type": "COMPANY",
            "country": "ES",
        },
    )
    assert response.status_code == 201, response.text
    return response.json()
