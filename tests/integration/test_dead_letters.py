"""Poison messages end in the DLQ after maxReceiveCount (5) receives, and can be redriven."""
from __future__ import annotations

import json

from hexa_infra import dlq as dead_letters
from hexa_shared.clock import new_id
from hexa_shared.events.envelope import IntegrationEvent
from support import Api, poll

QUEUE, DLQ = "OnboardingPartnerEventsQueue", "OnboardingPartnerEventsDLQ"


def _dlq_depth(sqs, url: str) -> int:  # noqa: ANN001
    return int(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
               ["Attributes"]["ApproximateNumberOfMessages"])


def test_poison_message_reaches_the_dlq_after_exactly_five_deliveries(cloud, stack, aws) -> None:  # noqa: ANN001
    sqs, dlq_url = aws("sqs"), cloud.resources[DLQ].ref
    _purge(sqs, dlq_url)
    marker = f"poison-{new_id()}"
    sqs.send_message(QueueUrl=cloud.resources[QUEUE].ref, MessageBody=f"this is not an event {marker}")

    poll(lambda: _dlq_depth(sqs, dlq_url) == 1, timeout=20, what="the poison message in the DLQ")

    [dead] = sqs.receive_message(QueueUrl=dlq_url, AttributeNames=["All"]).get("Messages", [])
    assert marker in dead["Body"]
    # the emulator keeps the count across the move: 5 deliveries to the consumer + this receive
    assert dead["Attributes"]["ApproximateReceiveCount"] == "6"
    assert _dlq_depth(sqs, cloud.resources[QUEUE].ref) == 0
    listed = {q.logical_id: q for q in stack.dead_letter_queues()}
    assert listed[DLQ].source_url == cloud.resources[QUEUE].ref
    assert listed["ContractStreamFailuresQueue"].source_url is None  # stream failures: rebuild, not redrive
    sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=dead["ReceiptHandle"])


def test_valid_envelope_with_broken_data_is_poison_too(cloud, aws) -> None:  # noqa: ANN001
    sqs, dlq_url = aws("sqs"), cloud.resources[DLQ].ref
    _purge(sqs, dlq_url)
    event = IntegrationEvent(name="PartnerRegistrationCompleted", source="hexabuilders.partner-management",
                             correlation_id="poison", data={"partner_data": {}})  # no partner_id
    sqs.send_message(QueueUrl=cloud.resources[QUEUE].ref, MessageBody=json.dumps(_bus_body(event)))
    poll(lambda: _dlq_depth(sqs, dlq_url) == 1, timeout=20, what="the broken event in the DLQ")
    _purge(sqs, dlq_url)


def _purge(sqs, url: str) -> None:  # noqa: ANN001
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def _bus_body(event: IntegrationEvent) -> dict:
    """What an EventBridge → SQS target delivers (as moto does: no ``account``)."""
    return {"version": "0", "id": new_id(), "detail-type": event.name, "source": event.source,
            "time": event.occurred_at, "region": "us-east-1", "resources": [], "detail": event.detail}


def test_redrive_moves_messages_back_and_the_consumer_processes_them(cloud, stack, aws, api: Api) -> None:  # noqa: ANN001
    """An event that dead-lettered during an outage is redriven after the fix, and handled."""
    sqs = aws("sqs")
    _purge(sqs, cloud.resources[DLQ].ref)
    partner_id = new_id()
    event = IntegrationEvent(name="PartnerRegistrationCompleted", source="hexabuilders.partner-management",
                             correlation_id="redrive", data={"partner_id": partner_id, "partner_data": {
                                 "name": "Late", "email": "late@x.example", "partner_type": "COMPANY", "country": "DE"}})
    sqs.send_message(QueueUrl=cloud.resources[DLQ].ref, MessageBody=json.dumps(_bus_body(event)))

    moved = dead_letters.redrive(sqs, stack.dead_letter_queue(DLQ))

    assert moved == 1
    assert stack.dead_letter_queue(DLQ).messages == 0
    contract = poll(lambda: api.get("/contracts", params={"partner_id": partner_id}).json()["items"],
                    what="the redriven event's contract")
    assert contract[0]["status"] == "DRAFT"
