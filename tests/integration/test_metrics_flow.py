"""Per-route and per-consumer metrics from the real handlers, kept by the local runtime, read by the CLI."""

from __future__ import annotations

import json
import uuid

from hexa_infra.metrics_view import consumer_rows, route_rows
from support import Api, poll, register_partner, run_hexa, wait_for_contract

CONSUMER = "onboarding.partner-events"
QUEUE, DLQ = "OnboardingPartnerEventsQueue", "OnboardingPartnerEventsDLQ"


def _route(cloud, route: str) -> dict:  # noqa: ANN001
    return next(
        (r for r in route_rows(cloud.metrics.summary()) if r["route"] == route),
        {"requests": 0, "errors": 0, "client_errors": 0},
    )


def _consumer(cloud, event: str) -> dict:  # noqa: ANN001
    return next(
        (
            r
            for r in consumer_rows(cloud.metrics.summary())
            if r["consumer"] == CONSUMER and r["event"] == event
        ),
        {"events": 0, "failures": 0},
    )


def test_requests_and_consumed_events_are_measured(cloud, api: Api) -> None:  # noqa: ANN001
    posts, gets = _route(cloud, "POST /partners"), _route(cloud, "GET /partners/{partner_id}")
    consumed = _consumer(cloud, "PartnerRegistrationCompleted")

    partner = register_partner(api)
    assert api.get(f"/partners/{uuid.uuid4()}").status_code == 404
    wait_for_contract(api, partner["partner_id"])
    after = poll(
        lambda: (c := _consumer(cloud, "PartnerRegistrationCompleted"))["events"] > consumed["events"] and c,
        what="the consumer's event metric",
    )

    posted, got = _route(cloud, "POST /partners"), _route(cloud, "GET /partners/{partner_id}")
    assert posted["requests"] == posts["requests"] + 1 and posted["errors"] == posts["errors"]
    assert got["client_errors"] == gets["client_errors"] + 1
    assert 0 < posted["p50"] <= posted["p99"]
    assert after["failures"] == consumed["failures"]
    assert after["age_p50"] is not None and after["age_max"] > 0  # occurred_at → picked up, in ms


def test_a_poison_message_is_counted_as_a_failure_of_its_consumer(cloud, aws) -> None:  # noqa: ANN001
    sqs = aws("sqs")
    before = _consumer(cloud, "(invalid)")
    sqs.send_message(QueueUrl=cloud.resources[QUEUE].ref, MessageBody="not an event")

    poll(
        lambda: _consumer(cloud, "(invalid)")["failures"] == before["failures"] + 1,
        timeout=20,
        what="one refused delivery of the poison message (invalid: no retries)",
    )
    dlq = cloud.resources[DLQ].ref
    dead = poll(
        lambda: sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10).get("Messages"),
        timeout=20,
        what="the poison message in the DLQ",
    )
    for message in dead:
        sqs.delete_message(QueueUrl=dlq, ReceiptHandle=message["ReceiptHandle"])


def test_hexa_metrics_prints_routes_and_consumers(cloud, api: Api) -> None:  # noqa: ANN001
    wait_for_contract(api, register_partner(api)["partner_id"])
    poll(lambda: _consumer(cloud, "PartnerRegistrationCompleted")["events"], what="a consumed event")
    command = ["metrics", "--stack", cloud.stack_name, "--daemon-address", cloud.xray_daemon_address]

    tables = run_hexa(*command)
    raw = run_hexa(*command, "--json")

    assert tables.returncode == 0, tables.stderr
    assert "POST /partners" in tables.stdout and "p95 ms" in tables.stdout
    assert CONSUMER in tables.stdout and "PartnerRegistrationCompleted" in tables.stdout
    series = json.loads(raw.stdout)
    assert {"Requests", "Errors", "ClientErrors", "Latency", "Events", "EventFailures", "EventAge"} <= {
        s["metric"] for s in series
    }
