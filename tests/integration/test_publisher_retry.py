"""EventBridge's partial failures (FailedEntryCount > 0) are retried, never dropped.

A loopback proxy in front of the emulator answers chosen entries as throttled (and does not forward
them), forwarding the rest — so the real moto bus and a real queue show what actually arrived.
"""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
import requests

from hexa_shared.events.envelope import IntegrationEvent
from hexa_shared.events.publisher import EventBridgePublisher, PublishError
from support import BusTap


class FlakyEventBridge:
    """Fails the entries at ``plan[call_number]`` indexes of each PutEvents call, forwards the rest."""

    def __init__(self, upstream: str, plan: list[set[int]]) -> None:
        self.plan, self.calls = plan, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                failing = outer.plan[len(outer.calls)] if len(outer.calls) < len(outer.plan) else set()
                outer.calls.append(len(body["Entries"]))
                forward = [e for i, e in enumerate(body["Entries"]) if i not in failing]
                results = iter(
                    requests.post(
                        upstream,
                        data=json.dumps({"Entries": forward}),
                        headers={
                            k: v
                            for k, v in self.headers.items()
                            if k.lower() not in ("host", "content-length")
                        },
                    ).json()["Entries"]
                    if forward
                    else []
                )
                entries = [
                    {"ErrorCode": "ThrottlingException", "ErrorMessage": "Rate exceeded"}
                    if i in failing
                    else next(results)
                    for i in range(len(body["Entries"]))
                ]
                payload = json.dumps(
                    {"FailedEntryCount": len(failing & set(range(len(entries)))), "Entries": entries}
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def close(self) -> None:
        self.server.shutdown()


def events(n: int) -> list[IntegrationEvent]:
    return [
        IntegrationEvent(
            name="PartnerDeactivated",
            source="hexabuilders.partner-management",
            correlation_id="retry-test",
            data={"partner_id": str(uuid.uuid4())},
        )
        for _ in range(n)
    ]


def test_failed_entries_are_retried_until_all_arrive(cloud, aws) -> None:  # noqa: ANN001
    bus = cloud.resources["EventBus"].ref
    tap = BusTap(aws("events"), aws("sqs"), bus)
    proxy = FlakyEventBridge(cloud.endpoint_url, plan=[{1, 2}, {0}])
    try:
        client = boto3.client("events", endpoint_url=proxy.url)
        batch = events(3)
        EventBridgePublisher(bus, client, base_delay=0.001).publish(batch)
    finally:
        proxy.close()
    assert proxy.calls == [3, 2, 1]  # all three, then the two throttled, then the one throttled again
    wanted = {e.event_id for e in batch}
    arrived = lambda: {e["detail"]["event_id"] for e in tap.drain()} >= wanted  # noqa: E731
    from support import poll

    poll(arrived, what="every event on the bus")
    assert sorted(e["detail"]["event_id"] for e in tap.seen if e["detail"]["event_id"] in wanted) == sorted(
        wanted
    )


def test_entries_still_failing_after_the_last_attempt_raise(cloud) -> None:  # noqa: ANN001
    proxy = FlakyEventBridge(cloud.endpoint_url, plan=[{0}] * 10)
    try:
        publisher = EventBridgePublisher(
            cloud.resources["EventBus"].ref,
            boto3.client("events", endpoint_url=proxy.url),
            max_attempts=4,
            base_delay=0.001,
        )
        batch = events(2)
        with pytest.raises(PublishError) as failure:
            publisher.publish(batch)
    finally:
        proxy.close()
    assert proxy.calls == [2, 1, 1, 1]
    assert [e.event_id for e, _ in failure.value.failed] == [batch[0].event_id]
    assert "ThrottlingException" in str(failure.value)


def test_invalid_events_never_reach_the_bus(cloud, aws) -> None:  # noqa: ANN001
    proxy = FlakyEventBridge(cloud.endpoint_url, plan=[])
    try:
        bad = IntegrationEvent(
            name="PartnerDeactivated",
            source="hexabuilders.partner-management",
            correlation_id="c",
            data={"partner_id": "not-a-uuid"},
        )
        with pytest.raises(ValueError):
            EventBridgePublisher("any", boto3.client("events", endpoint_url=proxy.url)).publish(
                events(1) + [bad]
            )
    finally:
        proxy.close()
    assert proxy.calls == []  # validated before anything is sent
