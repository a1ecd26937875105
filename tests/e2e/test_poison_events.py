"""Poison events on a running local cloud (issue 12 #1-#3): every event type × every malformation,
put on the bus (or, where no bus would carry it, straight into a consumer's queue) → each one in a
DLQ with its reason, no effect on any table, and the good events behind it still handled in < 2 s."""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest

from hexa_shared.clock import new_id
from hexa_shared.events.envelope import IntegrationEvent
from poison import GOOD, MALFORMATIONS, SECRET, poison
from support import Api, partner_with_permission, poll, register_partner, wait_for_contract

CONSUMER_QUEUES = {  # queue → (its DLQ, the consumer's name in reasons)
    "OnboardingPartnerEventsQueue": ("OnboardingPartnerEventsDLQ", "onboarding.partner-events"),
    "CampaignContractEventsQueue": ("CampaignContractEventsDLQ", "campaign-management.contract-events"),
    "PartnerCampaignEventsQueue": ("PartnerCampaignEventsDLQ", "partner-management.campaign-events"),
}


def _drain(sqs, url: str) -> list[dict]:  # noqa: ANN001
    messages = []
    while batch := sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], VisibilityTimeout=60
    ).get("Messages", []):
        for message in batch:
            messages.append(message)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return messages


def _table_counts(cloud) -> dict[str, int]:  # noqa: ANN001
    dynamodb = cloud.client("dynamodb")
    counts = {}
    for logical_id, table in cloud.resources.of_type("AWS::DynamoDB::Table").items():
        pages = dynamodb.get_paginator("scan").paginate(TableName=table.ref, Select="COUNT")
        counts[logical_id] = sum(page["Count"] for page in pages)
    return counts


def _dlqs(cloud) -> dict[str, str]:  # noqa: ANN001
    return {dlq: cloud.resources[dlq].ref for dlq, _ in CONSUMER_QUEUES.values()}


def _bus_subscribers(name: str) -> list[str]:
    return {
        "PartnerRegistrationCompleted": ["OnboardingPartnerEventsQueue", "CampaignContractEventsQueue"],
        "PartnerDeactivated": ["OnboardingPartnerEventsQueue", "CampaignContractEventsQueue"],
        "ContractActivated": ["CampaignContractEventsQueue"],
        "ContractTerminated": ["CampaignContractEventsQueue"],
        "CampaignPerformanceRecorded": ["PartnerCampaignEventsQueue"],
    }.get(name, [])


def test_every_malformation_of_every_event_ends_in_a_dlq_with_its_reason_and_changes_nothing(
    cloud, aws
) -> None:  # noqa: ANN001
    sqs, events, bus = aws("sqs"), aws("events"), cloud.resources["EventBus"].ref
    for url in _dlqs(cloud).values():
        _drain(sqs, url)
    cloud.wait_until_idle(timeout=20)
    before = _table_counts(cloud)

    expected: Counter[str] = Counter()
    for name in sorted(GOOD):
        for malformation in MALFORMATIONS:
            bad = poison(name, malformation)
            for queue, (dlq, _) in CONSUMER_QUEUES.items():  # every consumer sees every broken event...
                sqs.send_message(QueueUrl=cloud.resources[queue].ref, MessageBody=bad.sqs_body())
                expected[dlq] += 1
            if bad.on_the_bus:  # ...and the bus carries it to the ones its rules feed
                assert events.put_events(Entries=[bad.entry(bus)])["FailedEntryCount"] == 0
                routed = (
                    _bus_subscribers(name) if malformation not in ("wrong-source", "unknown-event") else []
                )
                for queue in routed:
                    expected[CONSUMER_QUEUES[queue][0]] += 1

    got: dict[str, list[dict]] = {dlq: [] for dlq in expected}
    deadline = time.monotonic() + 60
    while any(len(got[dlq]) < expected[dlq] for dlq in expected) and time.monotonic() < deadline:
        for dlq, url in _dlqs(cloud).items():
            got[dlq] += _drain(sqs, url)
        time.sleep(0.2)
    assert {dlq: len(messages) for dlq, messages in got.items()} == dict(expected)
    consumers = {dlq: consumer for dlq, consumer in CONSUMER_QUEUES.values()}
    for dlq, messages in got.items():
        for message in messages:
            attributes = {k: v["StringValue"] for k, v in message["MessageAttributes"].items()}
            assert attributes["hexa.failure.kind"] == "invalid", attributes
            assert attributes["hexa.failure.consumer"] == consumers[dlq]
            assert attributes["hexa.failure.receives"] == "1"  # refused on sight, never retried
            assert attributes["hexa.failure.reason"] and SECRET not in attributes["hexa.failure.reason"]
    cloud.wait_until_idle(timeout=20)
    assert _table_counts(cloud) == before  # no effect on any table, idempotency markers included


def test_good_events_behind_poison_are_handled_within_two_seconds(cloud, aws, api: Api) -> None:  # noqa: ANN001
    sqs, events, bus = aws("sqs"), aws("events"), cloud.resources["EventBus"].ref
    latencies = []
    for malformation in MALFORMATIONS:
        bad = poison("PartnerRegistrationCompleted", malformation)
        if bad.on_the_bus:
            events.put_events(Entries=[bad.entry(bus)])
        else:
            sqs.send_message(
                QueueUrl=cloud.resources["OnboardingPartnerEventsQueue"].ref, MessageBody=bad.sqs_body()
            )
        started = time.perf_counter()
        partner = register_partner(api)  # its registration is right behind the poison in Onboarding's queue
        wait_for_contract(api, partner["partner_id"], timeout=5)
        latencies.append(time.perf_counter() - started)
    print(f"\nregistration → draft behind poison: max {max(latencies) * 1000:.0f} ms over {len(latencies)}")
    assert max(latencies) < 2.0
    for url in _dlqs(cloud).values():
        _drain(sqs, url)


def test_a_deactivation_with_a_null_partner_terminates_nothing(cloud, aws, api: Api) -> None:  # noqa: ANN001
    """Issue 12 #1, the data-destroying one: `{"partner_id": null}` terminated every open contract."""
    (first, first_contract), (second, second_contract) = (
        partner_with_permission(api),
        partner_with_permission(api),
    )
    campaign = api.post(
        "/campaigns",
        {
            "partner_id": first["partner_id"],
            "name": "Keeps running",
            "budget": "10.00",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
        },
    ).json()
    null = IntegrationEvent(
        name="PartnerDeactivated",
        source="hexabuilders.partner-management",
        correlation_id="null-partner",
        data={"partner_id": None},
    )
    entry = {**null.to_entry(cloud.resources["EventBus"].ref), "Detail": json.dumps(null.detail)}
    assert aws("events").put_events(Entries=[entry])["FailedEntryCount"] == 0

    dlqs = _dlqs(cloud)
    refused = poll(
        lambda: (
            [
                m
                for url in (dlqs["OnboardingPartnerEventsDLQ"], dlqs["CampaignContractEventsDLQ"])
                for m in _drain(aws("sqs"), url)
            ]
            or None
        ),
        what="the null deactivation in the DLQs",
    )
    cloud.wait_until_idle(timeout=20)
    reasons = {m["MessageAttributes"]["hexa.failure.reason"]["StringValue"] for m in refused}
    assert all("data.partner_id: must be of type string" in reason for reason in reasons)
    for partner, contract_id in ((first, first_contract), (second, second_contract)):
        assert api.get(f"/contracts/{contract_id}").json()["status"] == "ACTIVE"
        assert api.get(f"/permissions/{partner['partner_id']}").json()["can_create_campaigns"] is True
    assert api.get(f"/campaigns/{campaign['campaign_id']}").json()["status"] == "ACTIVE"


def test_an_activation_for_a_partner_that_does_not_exist_grants_nothing(cloud, aws, api: Api) -> None:  # noqa: ANN001
    """Issue 12 #3: a well-formed ContractActivated for an unknown partner is a fact, not a grant."""
    ghost = new_id()
    activated = IntegrationEvent(
        name="ContractActivated",
        source="hexabuilders.onboarding",
        correlation_id="ghost",
        data={"partner_id": ghost, "contract_id": new_id(), "contract_type": "ENTERPRISE"},
    )
    assert (
        aws("events").put_events(Entries=[activated.to_entry(cloud.resources["EventBus"].ref)])[
            "FailedEntryCount"
        ]
        == 0
    )
    cloud.wait_until_idle(timeout=20)
    assert api.get(f"/permissions/{ghost}").json() == {
        "partner_id": ghost,
        "can_create_campaigns": False,
        "max_budget_limit": "0.00",
        "contract_id": None,
    }
    assert (
        api.post(
            "/campaigns",
            {
                "partner_id": ghost,
                "name": "Ghost",
                "budget": "10.00",
                "start_date": "2026-01-01",
                "end_date": "2026-12-31",
            },
        ).status_code
        == 403
    )


@pytest.mark.parametrize("order", ["deactivation first", "registration first"])
def test_onboarding_ends_the_same_whatever_order_partner_events_arrive_in(
    cloud, aws, api: Api, order: str
) -> None:  # noqa: ANN001
    """Issue 12 #4: a PartnerDeactivated processed before its registration still drafted a contract."""
    partner_id, bus = new_id(), cloud.resources["EventBus"].ref
    registered = IntegrationEvent(
        name="PartnerRegistrationCompleted",
        source="hexabuilders.partner-management",
        correlation_id="order",
        data={
            "partner_id": partner_id,
            "partner_data": {
                "name": "Orden",
                "email": f"{partner_id[:8]}@x.example",
                "partner_type": "AGENCY",
                "country": "ES",
            },
        },
    )
    deactivated = IntegrationEvent(
        name="PartnerDeactivated",
        source="hexabuilders.partner-management",
        correlation_id="order",
        data={"partner_id": partner_id},
    )
    sequence = [deactivated, registered] if order == "deactivation first" else [registered, deactivated]
    for event in sequence:
        assert aws("events").put_events(Entries=[event.to_entry(bus)])["FailedEntryCount"] == 0
        cloud.wait_until_idle(timeout=20)  # each fully handled before the next: a strict order
    contracts = api.get("/contracts", params={"partner_id": partner_id}).json()["items"]
    assert all(c["status"] == "TERMINATED" for c in contracts)
    assert len(contracts) == (0 if order == "deactivation first" else 1)
    created = api.post("/contracts", {"partner_id": partner_id, "contract_type": "PREMIUM"})
    assert created.status_code == 409 and created.json()["error"]["code"] == "partner_deactivated"
