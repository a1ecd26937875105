"""Profile 360 benchmark (not a test): `python benchmarks/bench_profile.py`.

Starts `hexa up` in its own process, builds a partner with 20 contracts (one ACTIVE), 50 campaigns and
20 jobs through the API, then measures GET /partners/{id}/profile-360 (the partner GetItem, then three
owners in parallel: a contracts Query, a campaigns Query, a jobs Query, each behind its own HTTP call)
next to the emulator floor of the same run. Target (issue #5): p95 < 100 ms locally (the seed: 500 ms).

Then a second `hexa up --fault RecruitmentApiFunction=stall:2` (the gateway holds every Recruitment
answer 2 s, handlers untouched) with the same partner minus the jobs: every answer must come within
the 300 ms owner timeout with `recruitment` unavailable. Target: p95 < timeout + 50 ms.
"""

from __future__ import annotations

import argparse
import time

import boto3

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
    parser.add_argument("--stalled-runs", type=int, default=100)
    args = parser.parse_args()
    with local_cloud("hexa-bench-profile") as info:
        report(info, args.runs)
    with local_cloud(
        "hexa-bench-profile-stalled", "--fault", f"RecruitmentApiFunction=stall:{STALL_S}"
    ) as info:
        report_stalled(info, args.stalled_runs)


STALL_S, TIMEOUT_MS = 2, 300  # the template's Profile360TimeoutMs default


def build_partner(info: dict, jobs: int) -> str:
    """A partner with 20 contracts (one ACTIVE), 50 campaigns and ``jobs`` jobs, all settled."""
    api, http = info["api_url"], session(info["admin_token"])
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
    for step, body in (("submit", {}), ("sign", {"signed_by": "Bench"}), ("activate", {})):
        http.post(f"{api}/contracts/{contract['contract_id']}/{step}", json=body).raise_for_status()
    for _ in range(19):
        http.post(f"{api}/contracts", json={"partner_id": pid, "contract_type": "PREMIUM"}).raise_for_status()
    wait_until(lambda: http.get(f"{api}/permissions/{pid}").json()["can_create_campaigns"])
    for n in range(50):
        http.post(
            f"{api}/campaigns",
            json={
                "partner_id": pid,
                "name": f"c{n}",
                "budget": "100.00",
                "start_date": "2026-01-01",
                "end_date": "2026-12-31",
            },
        ).raise_for_status()
    for n in range(jobs):
        http.post(
            f"{api}/jobs",
            json={
                "partner_id": pid,
                "title": f"job {n}",
                "required_skills": ["python"],
                "experience_required": 2,
                "location": "Madrid",
            },
        ).raise_for_status()
    wait_until(
        lambda: (
            len(http.get(f"{api}/contracts", params={"partner_id": pid, "limit": 200}).json()["items"]) == 20
        )
    )
    time.sleep(1)  # let the writes' events settle
    return pid


def report(info: dict, runs: int) -> None:
    api, http = info["api_url"], session(info["admin_token"])
    pid = build_partner(info, jobs=20)
    degraded: list[dict] = []

    def call() -> None:
        body = http.get(f"{api}/partners/{pid}/profile-360").json()
        if set(body["sources"].values()) != {"ok"}:
            degraded.append(body["unavailable_reasons"])
        else:
            assert (len(body["contracts"]), len(body["campaigns"]), len(body["recruitment"]["jobs"])) == (
                20,
                50,
                20,
            )

    for path in ("/contracts", "/campaigns", "/jobs"):
        owner = percentiles(
            timed(
                lambda: http.get(f"{api}{path}", params={"partner_id": pid, "limit": 200}).raise_for_status(),
                30,
            )
        )
        print_row(f"owner GET {path}", owner)
    floor = emulator_floor(info["endpoint_url"], runs)
    ddb = boto3.client(
        "dynamodb",
        endpoint_url=info["endpoint_url"],
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    campaigns_table = next(
        t
        for t in ddb.list_tables()["TableNames"]
        if t.endswith("-CampaignsTable") and t.startswith("hexa-bench-profile")
    )
    floor["Query 50 campaigns (GSI)"] = percentiles(
        timed(
            lambda: ddb.query(
                TableName=campaigns_table,
                IndexName="by_partner",
                KeyConditionExpression="partner_id = :p",
                ExpressionAttributeValues={":p": {"S": pid}},
                Limit=200,
            ),
            30,
        )
    )
    stats = percentiles(timed(call, runs))
    print_floor(floor)
    print(
        f"\nprofile-360 (20 contracts, 50 campaigns, 20 jobs): {len(degraded)} of {runs} answers had a "
        "section "
        f"unavailable{f' (e.g. {degraded[0]})' if degraded else ''}"
    )
    base = (
        floor["GetItem"]["p95"] + floor["Query 50 campaigns (GSI)"]["p95"]
    )  # partner, then the slowest owner
    print_row(
        "GET /partners/{id}/profile-360",
        stats,
        f"p95 = {stats['p95'] / base:.1f} × its critical path in the emulator (GetItem + the 50-item Query) "
        f"[target p95 < 100 ms: {'ok' if stats['p95'] < 100 else 'MISS'}]",
    )


def report_stalled(info: dict, runs: int) -> None:
    api, http = info["api_url"], session(info["admin_token"])
    pid = build_partner(info, jobs=0)
    sources: list[dict] = []

    def call() -> None:
        body = http.get(f"{api}/partners/{pid}/profile-360").json()
        sources.append(body["sources"])
        assert len(body["contracts"] or []) == 20 or body["sources"]["contracts"] != "ok"

    stats = percentiles(timed(call, runs))
    measured = sources[-runs:]
    recruitment_cut = sum(s["recruitment"] == "unavailable" for s in measured)
    others_ok = sum(s["contracts"] == "ok" and s["campaigns"] == "ok" for s in measured)
    print(
        f"\nprofile-360 with Recruitment stalled {STALL_S} s: recruitment unavailable in {recruitment_cut} "
        "of "
        f"{runs} answers; contracts and campaigns both answered in {others_ok} of {runs}"
    )
    print_row(
        "profile-360, owner stalled",
        stats,
        f"[target p95 < timeout {TIMEOUT_MS} + 50 ms: {'ok' if stats['p95'] < TIMEOUT_MS + 50 else 'MISS'}]",
    )


if __name__ == "__main__":
    main()
