"""A consumer's dedup ledger in memory (the EventLedger port; hexa_shared.idempotency is the DynamoDB one)."""

from __future__ import annotations

import threading


class InMemoryProcessedEvents:
    def __init__(self) -> None:
        self.event_ids: set[str] = set()
        self._lock = threading.Lock()  # record() is a conditional put: atomic, like DynamoDB's

    def already_processed(self, event_id: str) -> bool:
        return event_id in self.event_ids

    def record(self, event_id: str) -> bool:
        with self._lock:
            if event_id in self.event_ids:
                return False
            self.event_ids.add(event_id)
            return True
