"""The EventPublisher port's contract, on the in-memory bus and EventBridge (the local emulator's bus) alike:
every event of a batch arrives once, as sent, past the 10-entry PutEvents limit; a batch holding one event
that breaks its schema is refused whole, before anything goes out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from campaign_management.application.events import budget_exhausted
from campaign_management.domain.campaign import Campaign
from fakes.event_publisher import InMemoryPublisher
from hexa_shared.clock import new_id, now_iso
from hexa_shared.events.envelope import IntegrationEvent
from hexa_shared.events.publishing import EventPublisher
from hexa_shared.events.schema import EventSchemaError


def _events(n: int) -> list[IntegrationEvent]:
    """CampaignBudgetExhausted: on the bus, but no rule consumes it (nothing else reacts to the suite)."""
    campaigns = [
        Campaign.create(
            campaign_id=new_id(),
            partner_id=new_id(),
            name="Contract",
            description="",
            budget=Decimal("10.00"),
            start_date=date(2026, 1, 1),
            end_date=date(2026, 2, 1),
            now=now_iso(),
        )
        for _ in range(n)
    ]
    return [budget_exhausted(c, "publisher-contract") for c in campaigns]


class EventPublisherContract:
    publisher: EventPublisher

    def arrived(self, event_ids: set[str], expect_all: bool) -> dict[str, dict]:
        """``event_id`` → what arrived of those events: name, source, correlation_id and data."""
        raise NotImplementedError

    def test_every_event_of_a_batch_arrives_once_as_sent(self) -> None:
        batch = _events(12)  # two PutEvents calls
        self.publisher.publish(batch)
        arrived = self.arrived({e.event_id for e in batch}, expect_all=True)
        assert arrived == {
            e.event_id: {
                "name": e.name,
                "source": e.source,
                "correlation_id": e.correlation_id,
                "data": e.data,
            }
            for e in batch
        }

    def test_a_batch_with_an_invalid_event_is_refused_whole(self) -> None:
        batch = _events(3)
        broken = replace(batch[1], data={"partner_id": batch[1].data["partner_id"]})  # no campaign, budget…
        with pytest.raises(EventSchemaError):
            self.publisher.publish([batch[0], broken, batch[2]])
        assert self.arrived({e.event_id for e in batch}, expect_all=False) == {}


class TestInMemoryPublisher(EventPublisherContract):
    @pytest.fixture(autouse=True)
    def _publisher(self) -> None:
        self.publisher = InMemoryPublisher()

    def arrived(self, event_ids: set[str], expect_all: bool) -> dict[str, dict]:
        published = self.publisher.published  # type: ignore[attr-defined]
        assert len({e.event_id for e in published}) == len(published)  # once each
        return {
            e.event_id: {
                "name": e.name,
                "source": e.source,
                "correlation_id": e.correlation_id,
                "data": e.data,
            }
            for e in published
            if e.event_id in event_ids
        }


class TestEventBridgePublisher(EventPublisherContract):
    @pytest.fixture(autouse=True)
    def _publisher(self, cloud, aws) -> None:  # noqa: ANN001 - the running local cloud, its clients
        from hexa_shared.events.publisher import EventBridgePublisher
        from support import BusTap

        bus = cloud.resources["EventBus"].ref
        self.tap = BusTap(aws("events"), aws("sqs"), bus)
        self.publisher = EventBridgePublisher(bus, aws("events"))

    def arrived(self, event_ids: set[str], expect_all: bool) -> dict[str, dict]:
        if expect_all:
            from support import poll

            poll(
                lambda: event_ids <= {e["detail"]["event_id"] for e in self.tap.drain()} or None,
                timeout=10,
                what="every published event on the bus",
            )
        seen = [e for e in self.tap.drain() if e["detail"]["event_id"] in event_ids]
        assert len({e["detail"]["event_id"] for e in seen}) == len(seen)  # once each
        return {
            e["detail"]["event_id"]: {
                "name": e["detail-type"],
                "source": e["source"],
                "correlation_id": e["detail"]["correlation_id"],
                "data": e["detail"]["data"],
            }
            for e in seen
        }
