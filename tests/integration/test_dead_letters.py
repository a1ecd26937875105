"""Dead letters carry their reason: an invalid event goes to the DLQ at once, a failing valid one after
maxReceiveCount (5) receives; both can be redriven (issue 12)."""

from __future__ import annotations

import json

from hexa_infra import dlq as dead_letters
from hexa_shared.dead_letters import redriven_attributes
from hexa_shared.clock import new_id, now_iso
from hexa_shared.events.envelope import IntegrationEvent
from poison import bus_body
from support import Api, poll, run_hexa

QUEUE, DLQ = "OnboardingPartnerEventsQueue", "OnboardingPartnerEventsDLQ"


def _dlq_depth(sqs, url: str) -> int:  # noqa: ANN001
    return int(
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"][
            "ApproximateNumberOfMessages"
        ]
    )


def _dead(sqs, url: str) -> dict:  # noqa: ANN001
    [message] = poll(
        lambda: sqs.receive_message(
            QueueUrl=url, AttributeNames=["All"], MessageAttributeNames=["All"], VisibilityTimeout=0
        ).get("Messages"),
        timeout=20,
        what="a message in the DLQ",
    )
    return message


def _purge(sqs, url: str) -> None:  # noqa: ANN001
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def test_an_invalid_message_goes_to_the_dlq_at_once_with_its_reason(cloud, stack, aws) -> None:  # noqa: ANN001
    sqs, dlq_url = aws("sqs"), cloud.resources[DLQ].ref
    _purge(sqs, dlq_url)
    marker = f"poison-{new_id()}"
    sqs.send_message(QueueUrl=cloud.resources[QUEUE].ref, MessageBody=f"this is not an event {marker}")

    dead = _dead(sqs, dlq_url)
    assert marker in dead["Body"]  # the body, untouched
    attributes = {k: v["StringValue"] for k, v in dead["MessageAttributes"].items()}
    assert attributes["hexa.failure.receives"] == "1"  # one look was enough: no retries
    assert attributes["hexa.failure.kind"] == "invalid"
    assert attributes["hexa.failure.consumer"] == "onboarding.partner-events"
    assert attributes["hexa.failure.reason"].startswith("not valid JSON")
    assert _dlq_depth(sqs, cloud.resources[QUEUE].ref) == 0
    listed = {q.logical_id: q for q in stack.dead_letter_queues()}
    assert listed[DLQ].source_url == cloud.resources[QUEUE].ref
    assert listed["ContractStreamFailuresQueue"].source_url is None  # a stream function's failure queue
    [shown] = dead_letters.peek(sqs, listed[DLQ])
    assert shown["kind"] == "invalid" and shown["reason"] == attributes["hexa.failure.reason"]
    _purge(sqs, dlq_url)


def test_a_valid_event_that_keeps_failing_goes_after_five_receives_with_its_error(cloud, aws) -> None:  # noqa: ANN001
    """A commission for a partner Partner Management does not know: retried, then dead-lettered."""
    sqs, dlq_url = aws("sqs"), cloud.resources["PartnerCampaignEventsDLQ"].ref
    _purge(sqs, dlq_url)
    unknown = new_id()
    event = IntegrationEvent(
        name="CampaignPerformanceRecorded",
        source="hexabuilders.campaign-management",
        correlation_id="dlq-exhausted",
        data={
            "partner_id": unknown,
            "campaign_id": new_id(),
            "date": "2026-11-01",
            "metrics": {"impressions": 1, "clicks": 0, "conversions": 0, "revenue": "1.00", "spend": "0.50"},
        },
    )
    sqs.send_message(
        QueueUrl=cloud.resources["PartnerCampaignEventsQueue"].ref, MessageBody=json.dumps(bus_body(event))
    )

    dead = _dead(sqs, dlq_url)
    attributes = {k: v["StringValue"] for k, v in dead["MessageAttributes"].items()}
    assert attributes["hexa.failure.receives"] == "5"  # sent by the consumer on its fifth (last) receive
    assert attributes["hexa.failure.kind"] == "exhausted"
    assert attributes["hexa.failure.reason"] == f"LookupError: unknown partner {unknown}"
    _purge(sqs, dlq_url)


def test_redrive_moves_messages_back_without_the_old_reason_and_they_are_handled(
    cloud,
    stack,
    aws,  # noqa: ANN001
    api: Api,
) -> None:
    """An event that dead-lettered during an outage is redriven after the fix, and handled."""
    sqs = aws("sqs")
    _purge(sqs, cloud.resources[DLQ].ref)
    partner_id = new_id()
    event = IntegrationEvent(
        name="PartnerRegistrationCompleted",
        source="hexabuilders.partner-management",
        correlation_id="redrive",
        data={
            "partner_id": partner_id,
            "partner_data": {
                "name": "Late",
                "email": "late@x.example",
                "partner_type": "COMPANY",
                "country": "DE",
            },
        },
    )
    sqs.send_message(
        QueueUrl=cloud.resources[DLQ].ref,
        MessageBody=json.dumps(bus_body(event)),
        MessageAttributes={
            "hexa.failure.reason": {"DataType": "String", "StringValue": "outage"},
            "trace": {"DataType": "String", "StringValue": "kept"},
        },
    )

    result = run_hexa(
        "dlq", "redrive", DLQ, "--stack", cloud.stack_name, "--endpoint-url", cloud.endpoint_url
    )

    assert result.returncode == 0, result.stderr
    assert "1 message(s) redriven, 0 left in place" in result.stdout
    assert stack.dead_letter_queue(DLQ).messages == 0
    contract = poll(
        lambda: api.get("/contracts", params={"partner_id": partner_id}).json()["items"],
        what="the redriven event's contract",
    )
    assert contract[0]["status"] == "DRAFT"


def test_a_redriven_message_keeps_its_own_attributes_and_drops_the_failure() -> None:
    attributes = {
        "hexa.failure.reason": {"DataType": "String", "StringValue": "outage"},
        "hexa.failure.receives": {"DataType": "String", "StringValue": "5"},
        "trace": {"DataType": "String", "StringValue": "kept", "StringListValues": []},
    }
    assert redriven_attributes(attributes) == {"trace": {"DataType": "String", "StringValue": "kept"}}


def test_peek_explains_a_message_the_queue_policy_moved(cloud, stack, aws) -> None:  # noqa: ANN001
    sqs, dlq_url = aws("sqs"), cloud.resources[DLQ].ref
    _purge(sqs, dlq_url)
    sqs.send_message(QueueUrl=dlq_url, MessageBody=json.dumps({"moved": now_iso()}))
    [shown] = dead_letters.peek(sqs, stack.dead_letter_queue(DLQ))
    assert shown["reason"].startswith("(none recorded") and "moved" in shown["message"]
    _purge(sqs, dlq_url)
