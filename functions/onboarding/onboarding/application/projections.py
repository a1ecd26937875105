"""Stream-driven work on stored contract events: the read model, the published events, rebuilds."""

from __future__ import annotations

from itertools import groupby

from hexa_shared.events.envelope import IntegrationEvent
from hexa_shared.events.publishing import EventPublisher
from hexa_shared.tracing import continue_trace
from onboarding.application.ports import ContractReadModel, EventStore
from onboarding.domain import events as ev
from onboarding.domain.contract import Contract
from onboarding.domain.events import ContractEvent

SOURCE = "hexabuilders.onboarding"
PUBLISHED = (ev.ContractSigned, ev.ContractActivated, ev.ContractTerminated)


def project(event: ContractEvent, read_model: ContractReadModel, store: EventStore) -> bool:
    """Apply one stored event to the read model (idempotent; a gap is repaired from the store)."""
    return read_model.project(event, lambda: store.load(event.contract_id))


def integration_event(event: ContractEvent) -> IntegrationEvent | None:
    """The public event for a stored one, with the *stored* event id (redelivery → same id → deduped)."""
    if not isinstance(event.payload, PUBLISHED):
        return None
    data = {"partner_id": event.partner_id, "contract_id": event.contract_id}
    if isinstance(event.payload, ev.ContractTerminated):
        data["reason"] = event.payload.reason
    else:
        data["contract_type"] = event.contract_type
    return IntegrationEvent(
        name=event.event_type,
        source=SOURCE,
        data=data,
        correlation_id=event.correlation_id or event.event_id,
        event_id=event.event_id,
        occurred_at=event.occurred_at,
        trace_header=event.trace_header,
    )


def publish(event: ContractEvent, publisher: EventPublisher) -> bool:
    """Publish the public counterpart of a stored event, in the trace that stored it; a failure raises (the
    stream record is retried)."""
    public = integration_event(event)
    if public is None:
        return False
    with continue_trace(public.trace_header, f"publish {public.name}"):
        publisher.publish([public])
    return True


def rebuild_read_model(store: EventStore, read_model: ContractReadModel) -> int:
    """Fold every contract's history again and overwrite the read model; returns the contract count."""
    contracts = [
        Contract.from_history(history)
        for _, history in groupby(store.all_events(), key=lambda e: e.contract_id)
    ]
    return read_model.replace_all(contracts, store.load)
