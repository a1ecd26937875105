"""Event sources against the real moto server: SQS mappings, DynamoDB stream mappings, EventBridge."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hexa_infra.local.cloud import LocalCloud
from hexa_infra.local.sqs_poller import SqsPoller
from hexa_infra.local.stream_poller import StreamPoller


@pytest.fixture(scope="module")
def cloud(fixture_template: Path) -> Iterator[LocalCloud]:
    with LocalCloud(
        fixture_template,
        stack_name="rt-ev",
        emulator_port=0,
        gateway_port=0,
        retry_delay=0.05,
        stream_poll_interval=0.02,
    ) as running:
        yield running


def tag() -> str:
    return uuid.uuid4().hex[:8]


def drain(cloud: LocalCloud, logical_id: str) -> list[dict[str, Any]]:
    sqs, url = cloud.client("sqs"), cloud.resources[logical_id].ref
    messages: list[dict[str, Any]] = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not got:
            return messages
        messages.extend(got)
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)],
        )


def queue_counts(cloud: LocalCloud, logical_id: str) -> list[int]:
    attrs = cloud.client("sqs").get_queue_attributes(
        QueueUrl=cloud.resources[logical_id].ref,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return [int(v) for v in attrs.values()]


def module_of(cloud: LocalCloud, logical_id: str) -> Any:
    return cloud.functions[logical_id].module


def stream_poller(cloud: LocalCloud, name: str) -> StreamPoller:
    return next(p for p in cloud.pollers if isinstance(p, StreamPoller) and p.name == name)


# ---------------------------------------------------------------------------- SQS


def test_sqs_partial_batch_failure_redrives_only_the_poison(cloud: LocalCloud) -> None:
    t = tag()
    good1, poison, good2 = f"good-{t}-1", f"poison-{t}", f"good-{t}-2"
    cloud.client("sqs").send_message_batch(
        QueueUrl=cloud.resources["WorkQueue"].ref,
        Entries=[
            {
                "Id": "0",
                "MessageBody": good1,
                "MessageAttributes": {
                    "kind": {"DataType": "String", "StringValue": "k"},
                    "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
                },
            },
            {"Id": "1", "MessageBody": poison},
            {"Id": "2", "MessageBody": good2},
        ],
    )
    cloud.wait_until_idle(timeout=20)
    worker = module_of(cloud, "WorkerFunction")
    assert worker.RECEIVED.count(good1) == 1 and worker.RECEIVED.count(good2) == 1
    assert worker.RECEIVED.count(poison) == 2  # maxReceiveCount of the fixture's WorkQueue
    assert [m["Body"] for m in drain(cloud, "WorkDLQ")] == [poison]
    assert queue_counts(cloud, "WorkQueue") == [0, 0]

    record = next(r for e in worker.EVENTS for r in e["Records"] if r["body"] == good1)
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == cloud.resources["WorkQueue"].attrs["Arn"]
    assert record["awsRegion"] == "us-east-1" and record["md5OfBody"] and record["receiptHandle"]
    assert {
        "ApproximateReceiveCount",
        "SentTimestamp",
        "SenderId",
        "ApproximateFirstReceiveTimestamp",
    } <= set(record["attributes"])
    assert record["messageAttributes"]["kind"] == {
        "stringValue": "k",
        "binaryValue": None,
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "String",
    }
    assert record["messageAttributes"]["blob"]["binaryValue"] == "AAE="


def test_sqs_handler_exception_fails_the_whole_batch(cloud: LocalCloud) -> None:
    t = tag()
    ok, boom = f"ok-{t}", f"boom-{t}"
    cloud.client("sqs").send_message_batch(
        QueueUrl=cloud.resources["StrictQueue"].ref,
        Entries=[{"Id": "0", "MessageBody": ok}, {"Id": "1", "MessageBody": boom}],
    )
    cloud.wait_until_idle(timeout=20)
    strict = module_of(cloud, "StrictWorkerFunction")
    assert strict.RECEIVED.count(ok) == 2 and strict.RECEIVED.count(boom) == 2
    assert all(boom in batch for batch in strict.BATCHES if ok in batch)  # batched together (1 s window)
    assert sorted(m["Body"] for m in drain(cloud, "StrictDLQ")) == sorted([ok, boom])
    assert queue_counts(cloud, "StrictQueue") == [0, 0]


def test_eventbridge_rule_delivers_to_the_queue_and_the_function(cloud: LocalCloud) -> None:
    t = tag()
    result = cloud.client("events").put_events(
        Entries=[
            {
                "Source": "fixture.source",
                "DetailType": "Thing",
                "Detail": json.dumps({"tag": t}),
                "EventBusName": cloud.resources["Bus"].ref,
            },
            {
                "Source": "other.source",
                "DetailType": "Thing",
                "Detail": json.dumps({"tag": f"ignored-{t}"}),
                "EventBusName": cloud.resources["Bus"].ref,
            },
        ]
    )
    assert result["FailedEntryCount"] == 0
    cloud.wait_until_idle(timeout=20)
    bodies = [json.loads(b) for b in module_of(cloud, "WorkerFunction").RECEIVED if t in b]
    assert [(b["source"], b["detail-type"], b["detail"]) for b in bodies] == [
        ("fixture.source", "Thing", {"tag": t})
    ]


# ---------------------------------------------------------------------------- DynamoDB streams


def put_items(cloud: LocalCloud, table: str, items: list[dict[str, Any]]) -> None:
    """One TransactWriteItems, so the records arrive together (one batch)."""
    name = cloud.resources[table].ref
    cloud.client("dynamodb").transact_write_items(
        TransactItems=[{"Put": {"TableName": name, "Item": item}} for item in items]
    )


def test_stream_partial_failure_is_retried_from_the_lowest_failure(cloud: LocalCloud) -> None:
    t = tag()
    a, b, c = f"{t}-a", f"{t}-b", f"{t}-c"
    put_items(
        cloud, "ItemsTable", [{"pk": {"S": a}}, {"pk": {"S": b}, "fail_times": {"N": "2"}}, {"pk": {"S": c}}]
    )
    cloud.wait_until_idle(timeout=20)
    projector = module_of(cloud, "ProjectorFunction")
    delivered = [pk for pk, _ in projector.DELIVERIES if pk.startswith(t)]
    assert delivered == [a, b, c, b, c, b, c]  # b failed twice; c (after it) re-delivered each time
    assert [pk for pk in projector.PROCESSED if pk.startswith(t)] == [a, c, c, b, c]
    assert {pk for pk in projector.PROCESSED if pk.startswith(t)} == {a, b, c}  # nothing skipped
    seq_c = next(seq for pk, seq in projector.DELIVERIES if pk == c)
    checkpoint = stream_poller(cloud, "ProjectorFunction.Items").checkpoints()
    assert any(int(cp) >= int(seq_c) for cp in checkpoint.values() if cp)

    record = next(r for e in projector.EVENTS for r in e["Records"] if r["dynamodb"]["Keys"]["pk"]["S"] == b)
    assert record["eventSource"] == "aws:dynamodb" and record["eventName"] == "INSERT"
    assert record["eventSourceARN"] == cloud.resources["ItemsTable"].attrs["StreamArn"]
    assert record["dynamodb"]["NewImage"]["fail_times"] == {"N": "2"}
    assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], (int, float))


def test_stream_handler_exception_retries_the_whole_batch(cloud: LocalCloud) -> None:
    t = tag()
    x, y = f"{t}-x", f"{t}-y"
    put_items(cloud, "ItemsTable", [{"pk": {"S": x}}, {"pk": {"S": y}, "explode_times": {"N": "1"}}])
    cloud.wait_until_idle(timeout=20)
    projector = module_of(cloud, "ProjectorFunction")
    assert [pk for pk, _ in projector.DELIVERIES if pk.startswith(t)] == [x, y, x, y]
    assert [pk for pk in projector.PROCESSED if pk.startswith(t)] == [x, x, y]


def test_stream_retries_exhausted_go_to_the_on_failure_queue(cloud: LocalCloud) -> None:
    t = tag()
    doomed_pk, crash_pk, after_pk = f"{t}-doom", f"{t}-crash", f"{t}-after"
    put_items(cloud, "DoomedTable", [{"pk": {"S": doomed_pk}, "doom": {"BOOL": True}}])
    cloud.wait_until_idle(timeout=20)
    put_items(cloud, "DoomedTable", [{"pk": {"S": crash_pk}, "crash": {"BOOL": True}}])
    cloud.wait_until_idle(timeout=20)
    put_items(cloud, "DoomedTable", [{"pk": {"S": after_pk}}])
    cloud.wait_until_idle(timeout=20)

    doomed = module_of(cloud, "DoomedFunction")
    assert doomed.ATTEMPTS[doomed_pk] == 3 and doomed.ATTEMPTS[crash_pk] == 3  # 1 + MaximumRetryAttempts 2
    assert after_pk in doomed.PROCESSED  # the stream moved on
    seqs = {pk: seq for pk, seq in doomed.DELIVERIES}
    messages = [json.loads(m["Body"]) for m in drain(cloud, "StreamFailuresQueue")]
    by_start = {m["DDBStreamBatchInfo"]["startSequenceNumber"]: m for m in messages}
    assert set(by_start) == {seqs[doomed_pk], seqs[crash_pk]}

    reported = by_start[seqs[doomed_pk]]
    assert reported["version"] == "1.0" and reported["timestamp"].endswith("Z")
    assert reported["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert reported["requestContext"]["approximateInvokeCount"] == 3
    assert reported["requestContext"]["functionArn"] == cloud.functions["DoomedFunction"].arn
    assert reported["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}
    info = reported["DDBStreamBatchInfo"]
    assert info["endSequenceNumber"] == seqs[doomed_pk] and info["batchSize"] == 1
    assert info["streamArn"] == cloud.resources["DoomedTable"].attrs["StreamArn"]
    assert info["shardId"] and info["approximateArrivalOfFirstRecord"]
    assert by_start[seqs[crash_pk]]["responseContext"]["functionError"] == "Unhandled"


def test_a_cancelled_transaction_neither_leaks_a_record_nor_blinds_the_poller(cloud: LocalCloud) -> None:
    t = tag()
    first, phantom, later = f"{t}-first", f"{t}-phantom", f"{t}-later"
    ddb = cloud.client("dynamodb")
    put_items(cloud, "ItemsTable", [{"pk": {"S": first}}])
    table = cloud.resources["ItemsTable"].ref
    with pytest.raises(ddb.exceptions.TransactionCanceledException):
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": {"pk": {"S": phantom}}}},
                {
                    "Put": {
                        "TableName": table,
                        "Item": {"pk": {"S": first}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )
    put_items(cloud, "ItemsTable", [{"pk": {"S": later}}])
    cloud.wait_until_idle(timeout=20)
    projector = module_of(cloud, "ProjectorFunction")
    assert [pk for pk, _ in projector.DELIVERIES if pk.startswith(t)] == [first, later]


def test_a_poller_that_fails_to_start_leaves_none_running(
    fixture_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Start-up fails as a whole: the SQS pollers already started are stopped, not leaked as threads."""
    threads: list[Any] = []
    original = SqsPoller.start

    def recording_start(self: SqsPoller) -> SqsPoller:
        poller = original(self)
        threads.append(poller._thread)  # noqa: SLF001 - the thread the poller runs on
        return poller

    def refusing_start(self: StreamPoller) -> StreamPoller:
        raise RuntimeError("stream poller refused to start")

    monkeypatch.setattr(SqsPoller, "start", recording_start)
    monkeypatch.setattr(StreamPoller, "start", refusing_start)
    cloud = LocalCloud(fixture_template, stack_name="rt-ev-fail", emulator_port=0, gateway_port=0)
    with pytest.raises(RuntimeError, match="refused to start"):
        cloud.start()
    assert threads, "the fixture template has SQS mappings: some poller started before the failure"
    assert not [thread for thread in threads if thread.is_alive()]
    assert cloud.pollers == []
