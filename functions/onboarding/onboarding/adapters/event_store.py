"""The contract event store on DynamoDB: one item per event, key (contract_id, version).

Appends are conditional on the version being free (optimistic concurrency); several events of one
command — and an idempotency marker, when an integration event caused them — go in one transaction.
A draft also claims its contract for the partner in Onboarding's partner projection, in that same
transaction, only while the partner takes contracts (registered, not deactivated).
The table's NEW_IMAGE stream feeds the projector and the publisher. Each item keeps the X-Ray trace
header current when it was appended (older items have none), which the published event carries on.
"""

from __future__ import annotations

import functools
import json
from typing import Any, Iterator

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.models import Model

from hexa_shared.dynamo import batch_put, bound, cancelled_by_condition, Transaction
from hexa_shared.idempotency import ProcessedEvents
from hexa_shared.tracing import current_trace_header
from hexa_shared import strict_json
from onboarding.adapters.known_partners import (
    DynamoKnownPartners,
    not_deactivated,
    partner_row_model,
    takes_contracts,
)
from onboarding.application.ports import AlreadyProcessed, ConcurrencyConflict, PartnerClosed, PartnerNotKnown
from onboarding.domain.events import ContractDrafted, ContractEvent


class _EventItem(Model):
    contract_id = UnicodeAttribute(hash_key=True)
    version = NumberAttribute(range_key=True)
    event_type = UnicodeAttribute()
    occurred_at = UnicodeAttribute()
    data = UnicodeAttribute()  # JSON text, exactly as the command gave it
    partner_id = UnicodeAttribute()
    contract_type = UnicodeAttribute()
    correlation_id = UnicodeAttribute(null=True)
    event_id = UnicodeAttribute()
    trace_header = UnicodeAttribute(null=True)


@functools.lru_cache(maxsize=None)
def _model(table_name: str) -> type[_EventItem]:
    return bound(_EventItem, table_name, "ContractEventItem")


def event_from_image(image: dict[str, Any]) -> ContractEvent:
    """A stream record's NEW_IMAGE (DynamoDB JSON) → the domain event."""
    text = {k: v["S"] for k, v in image.items() if "S" in v}
    return ContractEvent.stored(
        contract_id=text["contract_id"],
        version=int(image["version"]["N"]),
        event_type=text["event_type"],
        occurred_at=text["occurred_at"],
        data=json.loads(text["data"]),
        partner_id=text["partner_id"],
        contract_type=text["contract_type"],
        correlation_id=text.get("correlation_id", ""),
        event_id=text["event_id"],
        trace_header=text.get("trace_header"),
    )


def _to_event(item: _EventItem) -> ContractEvent:
    return ContractEvent.stored(
        contract_id=item.contract_id,
        version=int(item.version),
        event_type=item.event_type,
        occurred_at=item.occurred_at,
        data=json.loads(item.data),
        partner_id=item.partner_id,
        contract_type=item.contract_type,
        correlation_id=item.correlation_id or "",
        event_id=item.event_id,
        trace_header=item.trace_header,
    )


class DynamoEventStore:
    """``processed``: the consumer's dedup ledger whose marker an ``append(..., processed_event_id=…)``
    writes in the same transaction (a store without one refuses such an append)."""

    def __init__(
        self, table_name: str, partners_table: str, processed: ProcessedEvents | None = None
    ) -> None:
        self._model = _model(table_name)
        self._partners = partners_table
        self._processed = processed

    def _item(self, event: ContractEvent) -> _EventItem:
        return self._model(
            event.contract_id,
            event.version,
            event_type=event.event_type,
            occurred_at=event.occurred_at,
            data=strict_json.dumps(event.data),
            partner_id=event.partner_id,
            contract_type=event.contract_type,
            correlation_id=event.correlation_id or None,
            event_id=event.event_id,
            trace_header=event.trace_header or current_trace_header(),
        )

    def load(self, contract_id: str) -> list[ContractEvent]:
        return [
            _to_event(i)
            for i in self._model.query(contract_id, consistent_read=True, scan_index_forward=True)
        ]

    def append(
        self, events: list[ContractEvent], processed_event_id: str | None = None, registering: bool = False
    ) -> None:
        """A ``ContractDrafted`` among ``events`` also claims the contract for its partner, in the same
        transaction, only while the partner takes contracts (else ``PartnerNotKnown``/``PartnerClosed``).
        ``registering``: the draft comes with the partner's registration, which it records in that same
        write (then only a deactivation refuses it)."""
        if not events:
            return
        if processed_event_id is not None and self._processed is None:
            raise ValueError(
                "this event store was built without a dedup ledger: it cannot mark an event processed"
            )
        free = self._model.version.does_not_exist()
        drafted = [e for e in events if isinstance(e.payload, ContractDrafted)]
        if (
            len(events) == 1 and processed_event_id is None and not drafted
        ):  # the common case: one conditional put
            try:
                self._item(events[0]).save(condition=free)
            except PutError as error:
                if error.cause_response_code == "ConditionalCheckFailedException":
                    raise self._conflict(events[0]) from None
                raise
            return
        marker = claim = None
        try:
            with Transaction() as transaction:
                for event in events:
                    transaction.save(self._item(event), condition=free)
                for event in drafted:
                    claim = self._claim(transaction, event, registering)
                if processed_event_id is not None and self._processed is not None:
                    marker = transaction.save(
                        self._processed.marker(processed_event_id),
                        condition=self._processed.marker_condition(),
                    )
        except TransactWriteError as error:
            if marker is not None and transaction.blames(error, marker):
                raise AlreadyProcessed() from None
            if claim is not None and transaction.blames(error, claim):
                raise self._refusal(drafted[0].partner_id) from None
            if cancelled_by_condition(error):
                raise self._conflict(events[0]) from None
            raise

    def import_events(self, events: list[ContractEvent]) -> int:
        """Migration: each contract's ``ContractMigrated`` (version 1), 25 per BatchWriteItem. Its id is
        derived from the legacy contract, so a re-run writes the very same item."""
        return batch_put(self._model, [self._item(event) for event in events])

    def replicate(self, event: ContractEvent) -> None:
        """Change capture: one ContractMigrated (version 1, a contract new to the platform, which also
        joins its partner's contract ids so a deactivation reaches it) or ContractReplicated (the next
        version). Conditional on the version being free, like any append."""
        free = self._model.version.does_not_exist()
        try:
            with Transaction() as transaction:
                transaction.save(self._item(event), condition=free)
                if event.version == 1:
                    row = partner_row_model(self._partners)
                    transaction.update(
                        row(event.partner_id), actions=[row.contract_ids.add({event.contract_id})]
                    )
        except TransactWriteError as error:
            if cancelled_by_condition(error):
                raise self._conflict(event) from None
            raise

    def first_events(self, contract_ids: list[str]) -> dict[str, ContractEvent]:
        """Each contract's version 1 (its ``ContractDrafted`` or ``ContractMigrated``)."""
        return {
            i.contract_id: _to_event(i)
            for i in self._model.batch_get([(c, 1) for c in contract_ids], consistent_read=True)
        }

    def _claim(self, transaction: Transaction, event: ContractEvent, registering: bool) -> int:
        row = partner_row_model(self._partners)
        actions = [row.contract_ids.add({event.contract_id})]
        if registering:
            actions.append(row.registered.set(True))
        return transaction.update(
            row(event.partner_id),
            actions=actions,
            condition=not_deactivated(row) if registering else takes_contracts(row),
        )

    def _refusal(self, partner_id: str) -> Exception:
        known = DynamoKnownPartners(self._partners).get(partner_id)
        if known is not None and known.deactivated:
            return PartnerClosed(f"partner {partner_id} is deactivated: it takes no new contracts")
        return PartnerNotKnown(partner_id)

    @staticmethod
    def _conflict(event: ContractEvent) -> ConcurrencyConflict:
        return ConcurrencyConflict(
            f"contract {event.contract_id} already has version {event.version}; it was changed concurrently"
        )

    def all_events(self) -> Iterator[ContractEvent]:
        """Every event, sorted by (contract_id, version). Holds the table in memory: fine for rebuilds
        up to a few hundred thousand events; beyond that, rebuild per contract id."""
        return iter(
            sorted((_to_event(i) for i in self._model.scan()), key=lambda e: (e.contract_id, e.version))
        )
