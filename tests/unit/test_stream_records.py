"""Stream batches (issue 12 #2): a record that can never succeed is parked, alone; the rest go on.

The parking destination is a recording stand-in here (the SQS adapter behind it is exercised end to
end in tests/e2e/test_poison_events.py); what is tested is the batch logic: which records are handled,
parked, or handed back to Lambda to retry in order.
"""

from __future__ import annotations

from typing import Any

import pytest
from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError, EndpointConnectionError

from hexa_shared.batch import handle_stream_records
from hexa_shared.errors import Conflict
from hexa_shared.events.publisher import PublishError
from hexa_shared.events.schema import EventSchemaError
from hexa_shared.failures import is_transient

LOG = Logger(service="test")


class _Context:
    function_name = "hexa-test-PublisherFunction"


class _Parking:
    def __init__(self, fail: bool = False) -> None:
        self.parked: list[tuple[str, str, str, str | None]] = []
        self.fail = fail

    def park(
        self, queue_url: str, record: dict[str, Any], *, reason: str, consumer: str, function_name: str | None
    ) -> None:
        if self.fail:
            raise EndpointConnectionError(endpoint_url="http://sqs")
        self.parked.append((queue_url, record["dynamodb"]["SequenceNumber"], reason, function_name))


def _records(n: int) -> dict[str, Any]:
    return {
        "Records": [{"eventName": "INSERT", "dynamodb": {"SequenceNumber": str(i)}} for i in range(1, n + 1)]
    }


def _run(handle: Any, parking: _Parking, n: int = 5) -> dict[str, Any]:
    return handle_stream_records(
        _records(n),
        _Context(),
        LOG,
        handle,
        consumer="test.publisher",
        parking_queue_env="TEST_PARKING_URL",
        dead_letters=parking,
    )  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _parking_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_PARKING_URL", "http://sqs/parking")


def test_a_poison_record_between_good_ones_is_parked_and_the_good_ones_all_handled() -> None:
    handled: list[str] = []

    def handle(record: dict[str, Any]) -> None:
        if record["dynamodb"]["SequenceNumber"] == "3":
            raise EventSchemaError("ContractTerminated: data.partner_id: is not a valid uuid")
        handled.append(record["dynamodb"]["SequenceNumber"])

    parking = _Parking()
    assert _run(handle, parking) == {"batchItemFailures": []}
    assert handled == ["1", "2", "4", "5"]
    [(url, sequence, reason, function)] = parking.parked
    assert (url, sequence, function) == ("http://sqs/parking", "3", "hexa-test-PublisherFunction")
    assert reason.startswith("EventSchemaError: ContractTerminated: data.partner_id")


def test_an_unforeseen_error_is_parked_too_rather_than_blocking_the_shard() -> None:
    parking = _Parking()
    handled: list[str] = []
    result = _run(
        lambda r: (
            handled.append(r["dynamodb"]["SequenceNumber"])
            if r["dynamodb"]["SequenceNumber"] != "1"
            else {}["missing"]
        ),
        parking,
    )
    assert result == {"batchItemFailures": []} and handled == ["2", "3", "4", "5"]
    assert parking.parked[0][2].startswith("KeyError")


@pytest.mark.parametrize(
    "error",
    [
        PublishError("1 event(s) not accepted", []),
        Conflict("read model row moved meanwhile"),
        EndpointConnectionError(endpoint_url="http://events"),
        ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "PutEvents"),
        ClientError(
            {"Error": {"Code": "InternalFailure"}, "ResponseMetadata": {"HTTPStatusCode": 500}}, "PutEvents"
        ),
    ],
)
def test_a_transient_failure_hands_the_rest_back_in_order(error: Exception) -> None:
    handled: list[str] = []

    def handle(record: dict[str, Any]) -> None:
        if record["dynamodb"]["SequenceNumber"] == "3":
            raise error
        handled.append(record["dynamodb"]["SequenceNumber"])

    parking = _Parking()
    assert _run(handle, parking) == {"batchItemFailures": [{"itemIdentifier": s} for s in ("3", "4", "5")]}
    assert handled == ["1", "2"] and parking.parked == []


def test_a_record_that_cannot_be_parked_is_retried_not_dropped() -> None:
    result = _run(lambda r: (_ for _ in ()).throw(ValueError("broken image")), _Parking(fail=True), n=2)
    assert result == {"batchItemFailures": [{"itemIdentifier": "1"}, {"itemIdentifier": "2"}]}


@pytest.mark.parametrize(
    "error, transient",
    [
        (
            ClientError(
                {"Error": {"Code": "ValidationException"}, "ResponseMetadata": {"HTTPStatusCode": 400}}, "Put"
            ),
            False,
        ),
        (
            ClientError(
                {
                    "Error": {"Code": "TransactionCanceledException"},
                    "CancellationReasons": [{"Code": "None"}, {"Code": "TransactionConflict"}],
                },
                "Tx",
            ),
            True,
        ),
        (
            ClientError(
                {
                    "Error": {"Code": "TransactionCanceledException"},  # a condition that will never hold
                    "CancellationReasons": [{"Code": "None"}, {"Code": "ConditionalCheckFailed"}],
                },
                "Tx",
            ),
            False,
        ),
        (ClientError({"Error": {"Code": "ConditionalCheckFailedException"}}, "PutItem"), False),
        (
            ClientError(
                {
                    "Error": {"Code": "TransactionCanceledException"},
                    "CancellationReasons": [{"Code": "ValidationError"}],
                },
                "Tx",
            ),
            False,
        ),
        (TimeoutError("read timed out"), True),
        (ValueError("not a contract event"), False),
        (TypeError("NoneType"), False),
    ],
)
def test_which_failures_are_transient(error: Exception, transient: bool) -> None:
    assert is_transient(error) is transient
    wrapped = RuntimeError("pynamodb wraps it")
    wrapped.cause = error  # type: ignore[attr-defined]  # as pynamodb's PutError does
    assert is_transient(wrapped) is transient


def test_a_record_too_big_for_a_message_is_parked_by_its_keys() -> None:
    from hexa_shared.dead_letters import PARKED, DeadLetters

    class Sqs:
        sent: list[dict[str, Any]] = []

        def send_message(self, **kwargs: Any) -> None:
            self.sent.append(kwargs)

    sqs = Sqs()
    record = {
        "eventName": "INSERT",
        "dynamodb": {
            "SequenceNumber": "7",
            "Keys": {"id": {"S": "x"}},
            "NewImage": {"blob": {"S": "x" * 300_000}},
        },
    }
    DeadLetters(sqs).park(
        "http://sqs/parking", record, reason="EventSchemaError: too big", consumer="c", function_name="f"
    )
    [message] = sqs.sent
    assert len(message["MessageBody"].encode()) < 256 * 1024
    parked = __import__("json").loads(message["MessageBody"])[PARKED]
    assert parked["record"]["dynamodb"] == {"SequenceNumber": "7", "Keys": {"id": {"S": "x"}}}
    assert "over an SQS message's limit" in parked["image_omitted"]
