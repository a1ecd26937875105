"""The EventLedger port's contract, on the in-memory fake and DynamoDB alike: an event is acted on once per
consumer; the first ``record`` wins and every later one (a redelivery, a racing twin) is told so."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from fakes.event_ledger import InMemoryProcessedEvents
from hexa_shared.clock import new_id
from hexa_shared.event_ledger import EventLedger


class EventLedgerContract:
    ledger: EventLedger
    other_consumer: EventLedger

    def test_an_unseen_event_is_not_processed(self) -> None:
        assert not self.ledger.already_processed(new_id())

    def test_the_first_record_wins_and_the_next_is_told_so(self) -> None:
        event_id = new_id()
        assert self.ledger.record(event_id) is True
        assert self.ledger.already_processed(event_id)
        assert self.ledger.record(event_id) is False
        assert self.ledger.already_processed(event_id)

    def test_of_racing_twins_exactly_one_records(self) -> None:
        event_id = new_id()
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(lambda _: self.ledger.record(event_id), range(8)))
        assert results.count(True) == 1

    def test_each_consumer_keeps_its_own_ledger(self) -> None:
        event_id = new_id()
        self.ledger.record(event_id)
        assert not self.other_consumer.already_processed(event_id)
        assert self.other_consumer.record(event_id) is True


class TestInMemoryEventLedger(EventLedgerContract):
    @pytest.fixture(autouse=True)
    def _ledger(self) -> None:
        self.ledger, self.other_consumer = InMemoryProcessedEvents(), InMemoryProcessedEvents()


class TestDynamoEventLedger(EventLedgerContract):
    @pytest.fixture(autouse=True)
    def _ledger(self, cloud) -> None:  # noqa: ANN001 - the running local cloud (its tables)
        from hexa_shared.idempotency import ProcessedEvents

        table = os.environ["IDEMPOTENCY_TABLE"]
        self.ledger = ProcessedEvents(table, "contract.one")
        self.other_consumer = ProcessedEvents(table, "contract.two")
