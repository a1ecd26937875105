"""The green -> blue writer's Lambda handler (``LegacyWriterFunction``, deployed only while the stack's
``Coexistence`` parameter is ``enabled``).

Thin: which table the record came from (its stream's ARN), its new image as plain values, the use
case, and Lambda's stream contract (:func:`hexa_shared.batch.handle_stream_records`): a transient
failure — PostgreSQL unreachable, a parent row whose own stream is behind — retries in order; anything
else (a value the monolith's schema refuses, an email another legacy partner holds) is parked whole in
``LegacyWriterFailuresQueue`` with the reason, and the records behind it go on.
"""

from __future__ import annotations

import functools
import json
import os
import time
from typing import Any

import psycopg

# the stream image decoder Powertools' DynamoDBStreamEvent uses: boto3's, without importing boto3 at load time
from aws_lambda_powertools.shared.dynamodb_deserializer import TypeDeserializer

from hexa_shared import metrics
from hexa_shared.aws import client
from hexa_shared.batch import handle_stream_records
from hexa_shared.failures import is_transient as is_transient_aws
from hexa_shared.observability import enable_tracing, logger
from legacy_writer.legacy_tables import LegacyNotConfigured, LegacyTables, is_transient
from legacy_writer.write_change import write_change

enable_tracing()
log = logger("legacy-writer")
CONSUMER = "legacy-writer"
PARKING = "LEGACY_WRITER_FAILURES_QUEUE_URL"
SOURCES = {
    "PARTNERS_TABLE": "partners",
    "CONTRACTS_TABLE": "contracts",
    "CAMPAIGNS_TABLE": "campaigns",
    "CAMPAIGN_PERFORMANCE_TABLE": "campaign_days",
    "COMMISSION_LEDGER_TABLE": "commission_lines",
}
_plain = TypeDeserializer()


def write_to_legacy(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Streams of the platform's tables → the monolith's tables."""
    return handle_stream_records(
        event,
        context,
        log,
        _write,
        consumer=CONSUMER,
        parking_queue_env=PARKING,
        transient=lambda error: is_transient(error) or is_transient_aws(error),
    )


def _write(record: dict[str, Any]) -> None:
    source = source_of(record["eventSourceARN"])
    image = record["dynamodb"].get("NewImage")
    created = record["dynamodb"].get("ApproximateCreationDateTime")
    age_ms = max(0.0, (time.time() - float(created)) * 1000) if created else None
    failed = True
    try:
        outcome = write_change(
            source, {k: _plain.deserialize(v) for k, v in image.items()} if image else None, tables()
        )
        failed = False
        log.debug("legacy row", extra={"source": source, "outcome": outcome})
    finally:  # every attempt, failed or not: a stuck writer shows a growing lag
        metrics.record_event("legacy-writer", CONSUMER, source, age_ms, failed)


def source_of(arn: str) -> str:
    """``arn:aws:dynamodb:…:table/<name>/stream/<label>`` → which of the platform's tables it is."""
    table = arn.split(":table/", 1)[-1].split("/stream/", 1)[0]
    for variable, source in SOURCES.items():
        if os.environ.get(variable) == table:
            return source
    raise ValueError(f"a stream this function does not read: table {table!r}")


@functools.lru_cache(maxsize=None)
def tables() -> LegacyTables:
    return LegacyTables(connect)


def connect() -> psycopg.Connection:
    """The DSN is read from the stack's secret at each (re)connect, never logged."""
    secret = client("secretsmanager").get_secret_value(SecretId=os.environ["LEGACY_DATABASE_SECRET_ARN"])[
        "SecretString"
    ]
    dsn = (json.loads(secret).get("dsn") if secret.lstrip().startswith("{") else secret) or ""
    if not dsn.strip():
        raise LegacyNotConfigured(
            "the legacy database secret holds no DSN yet (hexa up --legacy-dsn or "
            "aws secretsmanager put-secret-value set it)"
        )
    return psycopg.connect(dsn, connect_timeout=5, application_name="hexa-legacy-writer")
