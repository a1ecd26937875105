"""A contract event that can never be published, between good ones in the event store's stream (issue
12 #2): it is parked alone, with its reason; every other record is published (published iff stored) and
the good partner's permission arrives in < 2 s instead of after 11 retries."""

from __future__ import annotations

import json
import time

from hexa_shared.clock import new_id, now_iso
from support import Api, BusTap, poll, register_partner, run_hexa, wait_for_contract

FAILURES = "ContractStreamFailuresQueue"


def _store_raw(
    aws,
    table: str,
    contract_id: str,
    version: int,
    event_type: str,
    partner_id: str,  # noqa: ANN001
    data: dict,
) -> None:
    """What a bug upstream could leave in the store: an event for a partner id that is no UUID."""
    aws("dynamodb").put_item(
        TableName=table,
        Item={
            "contract_id": {"S": contract_id},
            "version": {"N": str(version)},
            "event_type": {"S": event_type},
            "occurred_at": {"S": now_iso()},
            "data": {"S": json.dumps(data)},
            "partner_id": {"S": partner_id},
            "contract_type": {"S": "STANDARD"},
            "event_id": {"S": new_id()},
            "correlation_id": {"S": "phantom"},
        },
    )


def _parked(sqs, url: str) -> list[dict]:  # noqa: ANN001
    messages = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0, MessageAttributeNames=["All"]
    ).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


def _purge(sqs, url: str) -> None:  # noqa: ANN001
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def test_an_unpublishable_event_is_parked_and_the_good_ones_around_it_flow(cloud, aws, api: Api) -> None:  # noqa: ANN001
    sqs, failures = aws("sqs"), cloud.resources[FAILURES].ref
    _purge(sqs, failures)
    tap = BusTap(aws("events"), sqs, cloud.resources["EventBus"].ref)
    good, leaving = register_partner(api), register_partner(api)
    good_contract = wait_for_contract(api, good["partner_id"])["contract_id"]
    leaving_contract = wait_for_contract(api, leaving["partner_id"])["contract_id"]
    for step, body in (("submit", {}), ("sign", {"signed_by": "Ana Núñez"})):
        assert api.post(f"/contracts/{good_contract}/{step}", body).status_code == 200
    cloud.wait_until_idle(timeout=20)

    table, phantom = cloud.resources["ContractEventsTable"].ref, new_id()
    _store_raw(
        aws, table, phantom, 1, "ContractDrafted", "not-a-uuid", {"contract_type": "STANDARD", "terms": {}}
    )
    _store_raw(aws, table, phantom, 2, "ContractTerminated", "not-a-uuid", {"reason": "phantom"})
    started = time.perf_counter()  # the good records land right behind the poison, often in its batch
    assert api.post(f"/contracts/{good_contract}/activate", {}).status_code == 200
    assert api.post(f"/contracts/{leaving_contract}/terminate", {"reason": "moving on"}).status_code == 200

    poll(
        lambda: api.get(f"/permissions/{good['partner_id']}").json()["can_create_campaigns"],
        timeout=5,
        what="the good partner's permission",
    )
    latency = time.perf_counter() - started
    print(f"\nactivation → permission behind an unpublishable event: {latency * 1000:.0f} ms")
    assert latency < 2.0
    tap.wait_for(
        lambda e: (
            e["detail-type"] == "ContractTerminated"
            and e["detail"]["data"]["contract_id"] == leaving_contract
        )
    )  # stored, so published
    [parked] = poll(lambda: _parked(sqs, failures) or None, what="the parked record")
    record = parked["hexa.parked-stream-record"]
    assert record["consumer"] == "onboarding.contract-publisher"
    assert record["reason"].startswith(
        "EventSchemaError: ContractTerminated: data.partner_id: is not a valid uuid"
    )
    assert record["record"]["dynamodb"]["Keys"]["contract_id"] == {"S": phantom}
    assert not [
        e for e in tap.drain() if e["detail"]["data"].get("contract_id") == phantom
    ]  # never on the bus

    redriven = run_hexa(
        "dlq", "redrive", FAILURES, "--stack", cloud.stack_name, "--endpoint-url", cloud.endpoint_url
    )
    assert redriven.returncode == 0, redriven.stderr
    assert "0 message(s) redriven, 1 left in place" in redriven.stdout  # still unpublishable: it stays parked
    assert len(_parked(sqs, failures)) == 1
    _purge(sqs, failures)


def test_a_stored_event_of_no_known_kind_is_parked_by_both_consumers_and_blocks_nothing(
    cloud, aws, api: Api
) -> None:  # noqa: ANN001
    """Stored events are read back into their typed payloads: a type or a field the code does not know is
    refused where it is read (not folded into a wrong state), parked with its reason by the projector
    and the publisher alike, and the good records behind it flow."""
    sqs, failures = aws("sqs"), cloud.resources[FAILURES].ref
    _purge(sqs, failures)
    partner = register_partner(api)
    contract = wait_for_contract(api, partner["partner_id"])["contract_id"]
    cloud.wait_until_idle(timeout=20)

    table, phantom = cloud.resources["ContractEventsTable"].ref, new_id()
    _store_raw(aws, table, phantom, 1, "ContractRenamed", partner["partner_id"], {"name": "x"})
    try:
        assert api.post(f"/contracts/{contract}/submit", {}).status_code == 200

        poll(
            lambda: api.get(f"/contracts/{contract}").json()["status"] == "PENDING_SIGNATURE",
            timeout=5,
            what="the good event in the read model",
        )
        parked = poll(lambda: (p := _parked(sqs, failures)) and len(p) == 2 and p or None, what="two parked")
        records = {p["hexa.parked-stream-record"]["consumer"]: p["hexa.parked-stream-record"] for p in parked}
        assert set(records) == {"onboarding.contract-projector", "onboarding.contract-publisher"}
        for record in records.values():
            assert "unknown contract event type 'ContractRenamed'" in record["reason"]
            assert record["record"]["dynamodb"]["Keys"]["contract_id"] == {"S": phantom}
        assert api.get(f"/contracts/{phantom}").status_code == 404  # nothing folded from it
        _purge(sqs, failures)
    finally:  # the session's other suites (a rebuild among them) must not meet a kind the code refuses
        aws("dynamodb").delete_item(
            TableName=table, Key={"contract_id": {"S": phantom}, "version": {"N": "1"}}
        )
