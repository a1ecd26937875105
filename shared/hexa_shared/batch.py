"""Batch handlers for the two asynchronous event sources, with Lambda's partial-failure contract.

* SQS (EventBridge → queue → Lambda): Powertools ``BatchProcessor``. Each message is first proven to
  be an event this consumer handles (:func:`hexa_shared.events.inbound.receive`: schema, source,
  version, size); one that is not goes to the DLQ *at once* with its reason and has no effect. A valid
  event whose handling fails is reported in ``batchItemFailures`` and comes back after the visibility
  timeout; on its last receive it goes to the DLQ with the error as its reason. One message never
  holds back the others. Each record is handled in the X-Ray trace its ``AWSTraceHeader`` names.
* DynamoDB streams: order matters (a projection must see version 2 after version 1), so records are
  handled in order. A *transient* failure (throttling, a version race, an unreachable endpoint:
  :func:`is_transient`) stops the batch there: it and everything after it are reported, and Lambda
  resumes from it — nothing is applied early, nothing skipped. Any other failure is deterministic
  (the record is malformed, or its event breaks its schema): retrying cannot help, so the record is
  *parked* — kept whole in the function's failure queue with the reason, alarmed, redrivable — and the
  records behind it go on within the same invocation.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Callable, Mapping

from hexa_shared import metrics
from hexa_shared.dead_letters import DeadLetters, dead_letters_from_env
from hexa_shared.events.envelope import IntegrationEvent
from hexa_shared.events.inbound import InvalidEvent, receive
from hexa_shared.failures import describe, is_transient
from hexa_shared.observability import bound_correlation_id
from hexa_shared.tracing import continue_trace

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

EventHandler = Callable[[IntegrationEvent], None]
REDRIVE = "hexa.redrive"  # set on a stream event that replays parked records (never by Lambda)


def handle_integration_events(
    event: dict[str, Any],
    context: Any,
    log: Logger,
    handlers: Mapping[str, EventHandler],
    consumer: str,
    dead_letters: DeadLetters | None = None,
) -> dict[str, Any]:
    """Lambda handler body for an SQS queue fed by an EventBridge rule.

    ``handlers`` maps each event name this consumer acts on to its use case; ``consumer`` names it in
    metrics, logs and dead letters."""
    letters = dead_letters or dead_letters_from_env()

    def record_handler(record: SQSRecord) -> None:
        try:
            integration_event = receive(record.body, handlers.keys())
        except InvalidEvent as invalid:
            metrics.record_event(log.service, consumer, "(invalid)", None, failed=True)
            log.warning(
                "invalid event refused: no effect, sent to the DLQ",
                extra={"reason": str(invalid), "message_id": record.message_id},
            )
            if not letters.send(
                record.event_source_arn,
                record.body,
                reason=str(invalid),
                consumer=consumer,
                kind="invalid",
                receives=int(record.attributes.approximate_receive_count or 1),
            ):
                raise  # no DLQ configured: fail it, SQS keeps it until its retention ends
            return
        age_ms = metrics.event_age_ms(integration_event.occurred_at)
        failed = True
        with (
            continue_trace(record.attributes.aws_trace_header, f"consume {integration_event.name}"),
            bound_correlation_id(log, integration_event.correlation_id),
        ):
            receive_count = int(record.attributes.approximate_receive_count or 1)
            log.info(
                "consuming event",
                extra={
                    "event_name": integration_event.name,
                    "event_id": integration_event.event_id,
                    "receive_count": receive_count,
                },
            )
            try:
                handlers[integration_event.name](integration_event)
                failed = False
            except Exception as error:
                if _last_receive(letters, record, receive_count) and letters.send(
                    record.event_source_arn,
                    record.body,
                    reason=describe(error),
                    consumer=consumer,
                    kind="exhausted",
                    receives=receive_count,
                ):
                    log.exception(
                        "event handling failed on its last receive; sent to the DLQ",
                        extra={"event_id": integration_event.event_id},
                    )
                    return
                log.exception(
                    "event handling failed; it will be retried",
                    extra={"event_id": integration_event.event_id},
                )
                raise
            finally:
                metrics.record_event(log.service, consumer, integration_event.name, age_ms, failed)

    # imported here, not with the module: Powertools' batch utility loads its pydantic parser models
    # (a quarter of a cold import), which only the SQS consumers need
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )


def _last_receive(letters: DeadLetters, record: SQSRecord, receive_count: int) -> bool:
    redrive = letters.redrive_of(record.event_source_arn)
    return redrive is not None and receive_count >= redrive.max_receive_count


def handle_stream_records(
    event: dict[str, Any],
    context: Any,
    log: Logger,
    handle: Callable[[dict[str, Any]], None],
    *,
    consumer: str,
    parking_queue_env: str,
    dead_letters: DeadLetters | None = None,
    transient: Callable[[BaseException], bool] = is_transient,
) -> dict[str, Any]:
    """Lambda handler body for a DynamoDB stream; ``handle`` gets one raw stream record.

    ``parking_queue_env`` names the environment variable holding the URL of the function's failure
    queue (its ``OnFailure`` destination), where records that can never succeed are parked. A redrive
    (``hexa dlq redrive`` hands a parked record back with ``REDRIVE`` set) parks nothing anew: a record
    still failing is reported failed and stays where it was."""
    records = event.get("Records", [])
    redriving = bool(event.get(REDRIVE))
    for position, record in enumerate(records):
        try:
            handle(record)
            continue
        except Exception as error:  # noqa: BLE001 - classified below: retried in order, or parked
            failure = error
        sequence = record.get("dynamodb", {}).get("SequenceNumber")
        if transient(failure) or redriving:
            log.warning(
                "stream record failed transiently; it and the rest of the batch will be retried",
                extra={"sequence_number": sequence, "reason": describe(failure)},
            )
            return _failed_from(records, position)
        try:
            (dead_letters or dead_letters_from_env()).park(
                os.environ[parking_queue_env],
                record,
                reason=describe(failure),
                consumer=consumer,
                function_name=getattr(context, "function_name", None),
            )
        except Exception:  # noqa: BLE001 - cannot park: keep it in the stream, retried in order
            log.exception(
                "stream record could not be parked; retrying it", extra={"sequence_number": sequence}
            )
            return _failed_from(records, position)
        metrics.record_parked(log.service, consumer)
        log.error(
            "stream record parked: it can never succeed as it is; the records behind it go on",
            extra={"sequence_number": sequence, "reason": describe(failure)},
            exc_info=failure,
        )
    return {"batchItemFailures": []}


def _failed_from(records: list[dict[str, Any]], position: int) -> dict[str, Any]:
    return {
        "batchItemFailures": [{"itemIdentifier": r["dynamodb"]["SequenceNumber"]} for r in records[position:]]
    }
