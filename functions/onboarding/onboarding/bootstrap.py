"""Onboarding's composition root: the one place that reads the environment and wires adapters."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

from hexa_shared.events.publisher import EventBridgePublisher, publisher_on_bus
from hexa_shared.idempotency import ProcessedEvents
from hexa_shared.wiring import Wiring
from onboarding.adapters.event_store import DynamoEventStore
from onboarding.adapters.known_partners import DynamoKnownPartners
from onboarding.adapters.read_model import DynamoContractReadModel

PARTNER_EVENTS_CONSUMER = "onboarding.partner-events"


class Onboarding(Wiring):
    @cached_property
    def store(self) -> DynamoEventStore:
        return DynamoEventStore(
            self.environ["CONTRACT_EVENTS_TABLE"],
            self.environ["ONBOARDING_PARTNERS_TABLE"],
            processed=self.processed_partner_events,
        )

    @cached_property
    def partners(self) -> DynamoKnownPartners:
        return DynamoKnownPartners(self.environ["ONBOARDING_PARTNERS_TABLE"])

    @cached_property
    def read_model(self) -> DynamoContractReadModel:
        return DynamoContractReadModel(self.environ["CONTRACTS_TABLE"])

    @cached_property
    def processed_partner_events(self) -> ProcessedEvents:
        """The partner-event consumer's dedup markers (written inside each business transaction)."""
        return ProcessedEvents(self.environ["IDEMPOTENCY_TABLE"], PARTNER_EVENTS_CONSUMER)

    @cached_property
    def publisher(self) -> EventBridgePublisher:
        return publisher_on_bus(self.environ)


def bootstrap(environ: Mapping[str, str] | None = None, **given: object) -> Onboarding:
    return Onboarding(environ, **given)
