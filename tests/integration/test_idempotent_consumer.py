"""The same PartnerRegistrationCompleted delivered three times drafts exactly one contract."""

from __future__ import annotations

import os
import time

from hexa_shared.clock import new_id
from hexa_shared.events.envelope import IntegrationEvent
from hexa_shared.idempotency import ProcessedEvents
from onboarding.adapters.event_store import DynamoEventStore
from onboarding.adapters.known_partners import DynamoKnownPartners
from onboarding.application.partner_events import draft_contract_for_new_partner
from support import Api, poll


def registration(partner_id: str) -> IntegrationEvent:
    return IntegrationEvent(
        name="PartnerRegistrationCompleted",
        source="hexabuilders.partner-management",
        correlation_id="it-idempotency",
        data={
            "partner_id": partner_id,
            "partner_data": {
                "name": "Dup",
                "email": "dup@x.example",
                "partner_type": "AGENCY",
                "country": "PT",
            },
        },
    )


def test_same_event_three_times_on_the_bus_gives_one_contract(cloud, aws, api: Api) -> None:  # noqa: ANN001
    partner_id = new_id()
    event = registration(partner_id)
    bus = cloud.resources["EventBus"].ref
    for _ in range(3):
        result = aws("events").put_events(Entries=[event.to_entry(bus)])
        assert result["FailedEntryCount"] == 0
    poll(lambda: api.get("/contracts", params={"partner_id": partner_id}).json()["items"], what="the draft")
    cloud.wait_until_idle(timeout=10)
    time.sleep(0.3)  # let any straggling duplicate reach the projection
    cloud.wait_until_idle(timeout=10)
    items = api.get("/contracts", params={"partner_id": partner_id}).json()["items"]
    assert len(items) == 1 and items[0]["status"] == "DRAFT" and items[0]["contract_type"] == "STANDARD"


def test_concurrent_duplicate_deliveries_commit_once(cloud) -> None:  # noqa: ANN001
    """Direct use-case calls racing in threads: the idempotency marker is in the same transaction."""
    from concurrent.futures import ThreadPoolExecutor

    ledger = ProcessedEvents(os.environ["IDEMPOTENCY_TABLE"], "it.concurrent-duplicates")
    store = DynamoEventStore(
        os.environ["CONTRACT_EVENTS_TABLE"], os.environ["ONBOARDING_PARTNERS_TABLE"], processed=ledger
    )
    partners = DynamoKnownPartners(os.environ["ONBOARDING_PARTNERS_TABLE"])
    event = registration(new_id())
    with ThreadPoolExecutor(8) as pool:
        created = [
            c
            for c in pool.map(
                lambda _: draft_contract_for_new_partner(event, store, partners, ledger), range(8)
            )
            if c
        ]
    assert len(created) == 1
    assert ledger.already_processed(event.event_id)


def test_a_store_without_a_dedup_ledger_refuses_to_mark_an_event_processed_and_writes_nothing(cloud) -> None:  # noqa: ANN001
    import pytest

    from hexa_shared.clock import now_iso
    from onboarding.domain.contract import Contract, ContractType

    store = DynamoEventStore(os.environ["CONTRACT_EVENTS_TABLE"], os.environ["ONBOARDING_PARTNERS_TABLE"])
    contract = Contract.draft(
        contract_id=new_id(),
        partner_id=new_id(),
        contract_type=ContractType.STANDARD,
        terms={},
        now=now_iso(),
        correlation_id="it",
    )
    with pytest.raises(ValueError, match="without a dedup ledger"):
        store.append(list(contract.pending), processed_event_id=new_id(), registering=True)
    assert store.load(contract.contract_id) == []
