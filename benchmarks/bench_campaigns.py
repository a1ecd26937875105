"""Campaign Management latency benchmark (not a test): `make bench` runs it after the foundation one.

Starts `hexa up` in its own process and measures over keep-alive HTTP:

* activation → permission   — POST /contracts/{id}/activate until GET /permissions/{partner} grants
                              (event store stream → publisher → bus → SQS → permissions consumer)
* PUT performance → commission visible — until GET /partners/{id}/commissions shows that day
                              (campaign outbox stream → relay → bus → SQS → ledger consumer)
* POST /campaigns           — a permission Query + one TransactWriteItems (campaign + open-budget row)

Targets (issue #3): both latencies p95 < 300 ms locally; POST /campaigns p95 next to its floor.
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

from harness import (
    emulator_floor,
    local_cloud,
    percentiles,
    print_floor,
    print_row,
    register,
    session,
    timed,
    wait_until,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--flows", type=int, default=40)
    args = parser.parse_args()
    with local_cloud("hexa-bench-campaigns") as info:
        report(info, args.runs, args.flows)


def active_partner(http, api: str) -> tuple[str, str]:  # noqa: ANN001
    pid = register(http, api)["partner_id"]
    contract = {}
    wait_until(
        lambda: (
            contract.update(
                next(iter(http.get(f"{api}/contracts", params={"partner_id": pid}).json()["items"]), {})
            )
            or contract
        )
    )
    cid = contract["contract_id"]
    http.post(f"{api}/contracts/{cid}/submit", json={}).raise_for_status()
    http.post(f"{api}/contracts/{cid}/sign", json={"signed_by": "Bench"}).raise_for_status()
    return pid, cid


def report(info: dict, runs: int, flows: int) -> None:
    api, http = info["api_url"], session(info["admin_token"])
    floor = emulator_floor(info["endpoint_url"], runs)

    activation = []
    for _ in range(flows):
        pid, cid = active_partner(http, api)
        started = time.perf_counter()
        http.post(f"{api}/contracts/{cid}/activate", json={}).raise_for_status()
        wait_until(lambda: http.get(f"{api}/permissions/{pid}").json()["can_create_campaigns"])
        activation.append(time.perf_counter() - started)

    def create() -> None:  # small budgets, so a few hundred campaigns fit under the STANDARD limit
        response = http.post(
            f"{api}/campaigns",
            json={
                "partner_id": pid,
                "name": "bench",
                "budget": "10.00",
                "start_date": "2026-01-01",
                "end_date": "2026-12-31",
            },
        )
        assert response.status_code == 201, response.text

    post_campaign = percentiles(timed(create, min(runs, 900)))

    campaign = http.post(
        f"{api}/campaigns",
        json={
            "partner_id": pid,
            "name": "perf",
            "budget": "9.00",
            "start_date": (date.today() - timedelta(days=200)).isoformat(),
            "end_date": date.today().isoformat(),
        },
    ).json()
    commission = []
    for offset in range(flows):
        day = (date.today() - timedelta(days=offset)).isoformat()
        started = time.perf_counter()
        http.put(
            f"{api}/campaigns/{campaign['campaign_id']}/performance/{day}",
            json={"impressions": 100, "clicks": 10, "conversions": 1, "revenue": "12.00", "spend": "0.01"},
        ).raise_for_status()
        wait_until(
            lambda: http.get(f"{api}/partners/{pid}/commissions", params={"from": day, "to": day}).json()[
                "items"
            ]
        )
        commission.append(time.perf_counter() - started)

    print_floor(floor)
    print("\nplatform:")
    for name, samples in (("activation → permission", activation), ("performance → commission", commission)):
        stats = percentiles(samples)
        print_row(name, stats, f"[target p95 < 300 ms: {'ok' if stats['p95'] < 300 else 'MISS'}]")
    base = floor["GetItem"]["p95"] + floor["TransactWriteItems×3"]["p95"]
    ratio = post_campaign["p95"] / base
    print_row(
        "POST /campaigns (burst)",
        post_campaign,
        f"p95 = {ratio:.2f} × its 2 emulator round trips (Query + TransactWriteItems)",
    )


if __name__ == "__main__":
    main()
