"""Test helpers shared by the integration and e2e suites (no production code paths are faked here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from typing import Any, Callable, TypeVar

import requests

T = TypeVar("T")


def run_hexa(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The ``hexa`` CLI as a separate process, as a user runs it (wide terminal: tables are not cut)."""
    return subprocess.run(
        [sys.executable, "-m", "hexa_infra.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "250", **(env or {})},
    )


def poll(
    probe: Callable[[], T | None], timeout: float = 10.0, interval: float = 0.01, what: str = "condition"
) -> T:
    """Call ``probe`` until it returns something truthy; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class Api:
    """A keep-alive HTTP client for the local API Gateway with a default bearer token."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        self.token = token

    def as_(self, token: str | None) -> "Api":
        return Api(self.base_url, token)

    def request(
        self,
        method: str,
        path: str,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        all_headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        all_headers.update(headers or {})
        return self.http.request(
            method, self.base_url + path, json=json_body, headers=all_headers, timeout=15, **kwargs
        )

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, body, **kwargs)


def partner_body(**overrides: Any) -> dict[str, Any]:
    unique = uuid.uuid4().hex[:10]
    return {
        "name": f"Partner {unique}",
        "email": f"p-{unique}@example.com",
        "partner_type": "COMPANY",
        "country": "ES",
        **overrides,
    }


def register_partner(api: Api, **overrides: Any) -> dict[str, Any]:
    response = api.post("/partners", partner_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


def wait_for_contract(api: Api, partner_id: str, timeout: float = 10.0) -> dict[str, Any]:
    return poll(
        lambda: (api.get("/contracts", params={"partner_id": partner_id}).json()["items"] or [None])[0],
        timeout,
        what=f"a contract for partner {partner_id}",
    )


class BusTap:
    """A catch-all rule on the bus into a test queue: what the platform really published."""

    def __init__(self, events_client: Any, sqs_client: Any, bus_name: str) -> None:
        self.sqs = sqs_client
        name = f"test-tap-{uuid.uuid4().hex[:8]}"
        self.queue_url = sqs_client.create_queue(QueueName=name)["QueueUrl"]
        arn = sqs_client.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        events_client.put_rule(
            Name=name,
            EventBusName=bus_name,
            EventPattern=json.dumps({"source": [{"prefix": "hexabuilders."}]}),
        )
        events_client.put_targets(Rule=name, EventBusName=bus_name, Targets=[{"Id": "tap", "Arn": arn}])
        self.seen: list[dict[str, Any]] = []

    def drain(self) -> list[dict[str, Any]]:
        while True:
            messages = self.sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            ).get("Messages", [])
            if not messages:
                return self.seen
            for message in messages:
                self.seen.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 10.0) -> dict[str, Any]:
        return poll(
            lambda: next((e for e in self.drain() if predicate(e)), None), timeout, what="an event on the bus"
        )


def activate_contract(api: Api, contract_id: str) -> None:
    for step, body in (("submit", {}), ("sign", {"signed_by": "Test Signer"}), ("activate", {})):
        response = api.post(f"/contracts/{contract_id}/{step}", body)
        assert response.status_code == 200, response.text


def partner_with_permission(api: Api, contract_type: str = "STANDARD") -> tuple[dict[str, Any], str]:
    """A registered partner whose contract of ``contract_type`` is ACTIVE and whose campaign
    permission has arrived; returns (partner, contract_id)."""
    partner = register_partner(api)
    standard = wait_for_contract(api, partner["partner_id"])[
        "contract_id"
    ]  # Onboarding knows the partner now
    if contract_type == "STANDARD":
        contract_id = standard
    else:
        contract_id = api.post(
            "/contracts", {"partner_id": partner["partner_id"], "contract_type": contract_type}
        ).json()["contract_id"]
    activate_contract(api, contract_id)
    poll(
        lambda: api.get(f"/permissions/{partner['partner_id']}").json()["can_create_campaigns"],
        what="campaign permission",
    )
    return partner, contract_id


def campaign_body(partner_id: str, budget: str = "1000.00", **overrides: Any) -> dict[str, Any]:
    return {
        "partner_id": partner_id,
        "name": f"Campaign {uuid.uuid4().hex[:6]}",
        "budget": budget,
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        **overrides,
    }


def outbox_holds(table: str, event_id: str) -> bool:
    """Is the event in the outbox table ``table`` (written with the change that raised it)?"""
    from hexa_shared.outbox import outbox_model

    try:
        outbox_model(table).get(event_id, consistent_read=True)
        return True
    except outbox_model(table).DoesNotExist:
        return False
