"""Trace headers through the emulator and the stores, and ``hexa traces`` as a user runs it."""

from __future__ import annotations

import json
import subprocess
import uuid
from typing import Any

import boto3

from support import Api, BusTap, poll, register_partner, run_hexa, wait_for_contract

ROOT = "1-6b0a0000-0123456789abcdef01234567"
HEADER = f"Root={ROOT};Parent=0123456789abcdef;Sampled=1"
OTHER = "Root=1-6b0a0000-fedcba9876543210fedcba98;Parent=fedcba9876543210;Sampled=1"


def tap_messages(tap: BusTap, count: int) -> list[dict[str, Any]]:
    """The tap queue's messages with their system attributes, as Lambda's event source mapping reads them."""
    seen: list[dict[str, Any]] = []

    def probe() -> bool:
        got = tap.sqs.receive_message(
            QueueUrl=tap.queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=0,
            MessageSystemAttributeNames=["All"],
        ).get("Messages", [])
        for message in got:
            seen.append(message)
            tap.sqs.delete_message(QueueUrl=tap.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return len(seen) >= count

    poll(probe, what=f"{count} message(s) on the tap")
    return seen


def test_eventbridge_hands_the_trace_header_to_the_sqs_target(cloud, aws) -> None:  # noqa: ANN001
    bus = cloud.resources["EventBus"].ref
    tap = BusTap(aws("events"), aws("sqs"), bus)
    tag = uuid.uuid4().hex
    entry = {"EventBusName": bus, "Source": "hexabuilders.trace-test", "DetailType": "Probe"}
    events = aws("events")
    events.put_events(
        Entries=[
            {**entry, "Detail": json.dumps({"n": 1, "tag": tag}), "TraceHeader": HEADER},
            {**entry, "Detail": json.dumps({"n": 2, "tag": tag})},
            {**entry, "Detail": json.dumps({"n": 3, "tag": tag}), "TraceHeader": "Root=nonsense"},
        ]
    )

    http_header = boto3.client("events", endpoint_url=cloud.endpoint_url, region_name=cloud.region)
    http_header.meta.events.register(
        "before-sign.events.PutEvents",
        lambda request, **_: request.headers.__setitem__("X-Amzn-Trace-Id", OTHER),
    )
    http_header.put_events(
        Entries=[
            {**entry, "Detail": json.dumps({"n": 4, "tag": tag})},
            {**entry, "Detail": json.dumps({"n": 5, "tag": tag}), "TraceHeader": HEADER},
        ]
    )

    by_n = {json.loads(m["Body"])["detail"]["n"]: m for m in tap_messages(tap, 5)}
    headers = {n: m.get("Attributes", {}).get("AWSTraceHeader") for n, m in by_n.items()}
    assert headers == {1: HEADER, 2: None, 3: None, 4: OTHER, 5: HEADER}  # the entry's wins over the HTTP one
    assert all("TraceHeader" not in m["Body"] and "Root=" not in m["Body"] for m in by_n.values())


def test_stored_events_keep_the_trace_of_the_request_that_stored_them(cloud, aws, api: Api) -> None:  # noqa: ANN001
    response = api.post(
        "/partners",
        {
            "name": "Row Trace",
            "email": f"{uuid.uuid4().hex[:8]}@rows.example",
            "partner_type": "COMPANY",
            "country": "ES",
        },
    )
    assert response.status_code == 201
    trace_id = response.headers["X-Amzn-Trace-Id"].removeprefix("Root=")
    ddb = aws("dynamodb")
    rows = ddb.scan(TableName=cloud.resources["PartnerOutboxTable"].ref)["Items"]
    (row,) = [r for r in rows if json.loads(r["data"]["S"])["partner_id"] == response.json()["partner_id"]]
    assert row["trace_header"]["S"].startswith(f"Root={trace_id};Parent=")

    contract_id = wait_for_contract(api, response.json()["partner_id"])["contract_id"]
    submitted = api.post(f"/contracts/{contract_id}/submit")
    items = ddb.query(
        TableName=cloud.resources["ContractEventsTable"].ref,
        KeyConditionExpression="contract_id = :c",
        ExpressionAttributeValues={":c": {"S": contract_id}},
    )["Items"]
    by_version = {int(i["version"]["N"]): i["trace_header"]["S"] for i in items}
    assert by_version[1].startswith(
        f"Root={trace_id};"
    )  # drafted by the consumer, in the registration's trace
    assert by_version[2].startswith(f"Root={submitted.headers['X-Amzn-Trace-Id'].removeprefix('Root=')};")


def test_an_outbox_row_without_a_trace_header_is_still_relayed(cloud, aws) -> None:  # noqa: ANN001
    bus = cloud.resources["EventBus"].ref
    tap = BusTap(aws("events"), aws("sqs"), bus)
    partner_id, event_id = str(uuid.uuid4()), str(uuid.uuid4())
    aws("dynamodb").put_item(
        TableName=cloud.resources["PartnerOutboxTable"].ref,
        Item={  # as written before traces
            "event_id": {"S": event_id},
            "name": {"S": "PartnerDeactivated"},
            "source": {"S": "hexabuilders.partner-management"},
            "correlation_id": {"S": "old-row"},
            "occurred_at": {"S": "2026-01-01T00:00:00.000Z"},
            "event_version": {"N": "1"},
            "data": {"S": json.dumps({"partner_id": partner_id})},
        },
    )

    event = tap.wait_for(lambda e: e["detail"]["event_id"] == event_id)

    assert event["detail"]["data"] == {"partner_id": partner_id}


def hexa_traces(cloud, *args: str) -> subprocess.CompletedProcess:  # noqa: ANN001
    return run_hexa(
        "traces", *args, "--stack", cloud.stack_name, "--daemon-address", cloud.xray_daemon_address
    )


def test_hexa_traces_prints_a_requests_tree(cloud, api: Api) -> None:  # noqa: ANN001
    correlation_id = f"cli-{uuid.uuid4().hex[:12]}"
    partner = api.post(
        "/partners",
        {
            "name": "CLI Trace",
            "email": f"{correlation_id}@cli.example",
            "partner_type": "COMPANY",
            "country": "ES",
        },
        headers={"X-Correlation-Id": correlation_id},
    ).json()
    wait_for_contract(api, partner["partner_id"])
    names = [
        cloud.functions[lid].name
        for lid in (
            "PartnerManagementApiFunction",
            "PartnerEventRelayFunction",
            "OnboardingPartnerEventsFunction",
        )
    ]
    poll(
        lambda: all(name in json.dumps(cloud.traces.traces(correlation_id=correlation_id)) for name in names),
        what="the request's, the relay's and the consumer's segments in the store",
    )

    result = hexa_traces(cloud, "--correlation-id", correlation_id)

    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert out.count("trace 1-") == 1 and f"correlation {correlation_id}" in out
    assert all(name in out for name in names)
    assert "POST http://" in out and "/partners  201" in out and "TransactWriteItems" in out
    assert "consume PartnerRegistrationCompleted" in out and " ms" in out and "+0.0 ms" in out


def test_hexa_traces_last_and_its_refusals(cloud, api: Api) -> None:  # noqa: ANN001
    register_partner(api)

    last = hexa_traces(cloud, "--last", "1")
    unknown = hexa_traces(cloud, "--correlation-id", "no-such-request")
    other_stack = run_hexa("traces", "--stack", "someone-else", "--daemon-address", cloud.xray_daemon_address)

    assert last.returncode == 0, last.stderr
    assert last.stdout.count("trace 1-") == 1 and " ms" in last.stdout
    assert unknown.returncode == 1 and "no matching trace" in unknown.stdout
    assert other_stack.returncode != 0 and "belong to stack 'hexa-test'" in other_stack.stderr
