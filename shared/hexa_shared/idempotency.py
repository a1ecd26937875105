"""Idempotent event consumption keyed on ``event_id`` (a conditional write, not an in-memory set).

Each consumer records ``<consumer>#<event_id>`` in the idempotency table. Two ways to use it:

* **atomically** — put :meth:`ProcessedEvents.marker` into the same DynamoDB transaction as the
  consumer's own write (exactly-once effect even if the Lambda dies half-way);
* **after the fact** — :meth:`ProcessedEvents.record` once the effect is done, for effects that are
  already idempotent by state (a retry re-checks the state and does nothing twice).

:meth:`ProcessedEvents.already_processed` lets a redelivered event short-circuit cheaply.
"""

from __future__ import annotations

import functools
from datetime import timedelta

from pynamodb.attributes import UnicodeAttribute
from pynamodb.attributes import TTLAttribute
from pynamodb.exceptions import PutError
from pynamodb.models import Model

from hexa_shared.clock import now_iso
from hexa_shared.dynamo import bound

RETENTION_SECONDS = 30 * 24 * 3600  # longer than SQS retention (14 days) and the bus archive replay window


class _ProcessedEvent(Model):
    id = UnicodeAttribute(hash_key=True)
    consumer = UnicodeAttribute()
    event_id = UnicodeAttribute()
    processed_at = UnicodeAttribute()
    expiration = TTLAttribute()


@functools.lru_cache(maxsize=None)
def processed_event_model(table_name: str) -> type[_ProcessedEvent]:
    return bound(_ProcessedEvent, table_name)


class ProcessedEvents:
    def __init__(self, table_name: str, consumer: str) -> None:
        self._model = processed_event_model(table_name)
        self.consumer = consumer

    def _key(self, event_id: str) -> str:
        return f"{self.consumer}#{event_id}"

    def already_processed(self, event_id: str) -> bool:
        try:
            self._model.get(self._key(event_id), consistent_read=True)
            return True
        except self._model.DoesNotExist:
            return False

    def marker(self, event_id: str) -> _ProcessedEvent:
        """An item to save, with :meth:`marker_condition`, inside the consumer's own transaction."""
        return self._model(
            self._key(event_id),
            consumer=self.consumer,
            event_id=event_id,
            processed_at=now_iso(),
            expiration=timedelta(seconds=RETENTION_SECONDS),
        )

    def marker_condition(self):  # noqa: ANN201 - pynamodb condition
        return self._model.id.does_not_exist()

    def record(self, event_id: str) -> bool:
        """Mark as processed; ``False`` if it already was (another delivery got there first)."""
        try:
            self.marker(event_id).save(condition=self.marker_condition())
            return True
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
