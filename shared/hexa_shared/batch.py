"""Batch handlers for the two asynchronous event sources, with Lambda's partial-failure contract.

* SQS (EventBridge → queue → Lambda): Powertools ``BatchProcessor``; each failed record is reported
  in ``batchItemFailures`` and comes back after the visibility timeout, reaching the DLQ after
  ``maxReceiveCount`` receives. Unparseable messages fail like any other (poison → DLQ). Each record
  is handled in the X-Ray trace its ``AWSTraceHeader`` names (the producing request's).
* DynamoDB streams: order matters (a projection must see version 2 after version 1), so records are
  handled strictly in order and the first failure stops the batch: it and everything after it are
  reported, and Lambda resumes from it. Nothing after a failure is applied early, nothing is skipped.
"""
from __future__ import annotations

from typing import Any, Callable

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from hexa_shared import metrics
from hexa_shared.events.envelope import IntegrationEvent, parse_eventbridge_message
from hexa_shared.observability import bound_correlation_id
from hexa_shared.tracing import continue_trace


def handle_integration_events(event: dict[str, Any], context: Any, log: Logger,
                              handle: Callable[[IntegrationEvent], None], consumer: str) -> dict[str, Any]:
    """Lambda handler body for an SQS queue fed by an EventBridge rule; ``consumer`` names it in metrics."""

    def record_handler(record: SQSRecord) -> None:
        try:
            integration_event = parse_eventbridge_message(record.body)
        except ValueError:
            metrics.record_event(log.service, consumer, "(unparseable)", None, failed=True)
            raise
        age_ms = metrics.event_age_ms(integration_event.occurred_at)
        failed = True
        with continue_trace(record.attributes.aws_trace_header, f"consume {integration_event.name}"), \
                bound_correlation_id(log, integration_event.correlation_id):
            log.info("consuming event", extra={"event_name": integration_event.name,
                                                "event_id": integration_event.event_id,
                                                "receive_count": record.attributes.approximate_receive_count})
            try:
                handle(integration_event)
                failed = False
            except Exception:
                log.exception("event handling failed; it will be retried", extra={"event_id": integration_event.event_id})
                raise
            finally:
                metrics.record_event(log.service, consumer, integration_event.name, age_ms, failed)

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)


def handle_stream_in_order(event: dict[str, Any], log: Logger,
                           handle: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """Lambda handler body for a DynamoDB stream; ``handle`` gets one raw stream record."""
    records = event.get("Records", [])
    for position, record in enumerate(records):
        try:
            handle(record)
        except Exception:
            sequence = record["dynamodb"]["SequenceNumber"]
            log.exception("stream record failed; it and the rest of the batch will be retried",
                          extra={"sequence_number": sequence, "event_name": record.get("eventName")})
            return {"batchItemFailures": [{"itemIdentifier": r["dynamodb"]["SequenceNumber"]}
                                          for r in records[position:]]}
    return {"batchItemFailures": []}
