"""Onboarding Lambda handlers: HTTP API (``app``), partner-event consumer, stream projector/publisher.

Thin by design: parse → use case → response. Everything else lives in ``onboarding``.
"""

from __future__ import annotations

import functools
from typing import Any

from chalice import Chalice

from hexa_shared.batch import handle_integration_events, handle_stream_records
from hexa_shared.http import HttpApi, Reply, RequestContext
from hexa_shared.observability import enable_tracing
from onboarding.adapters.event_store import event_from_image
from onboarding.application import change_contract as commands
from onboarding.application.commands import (
    AmendTerms,
    CreateContract,
    ListContracts,
    NoBody,
    SignContract,
    TerminateContract,
)
from onboarding.application.partner_events import draft_contract_for_new_partner, terminate_partner_contracts
from onboarding.application.projections import project, publish, rebuild_read_model
from onboarding.application.queries import contract_history, get_contract, list_contracts
from onboarding.application.views import Contract as ContractView, ContractHistory, ContractPage
from onboarding.bootstrap import PARTNER_EVENTS_CONSUMER, Onboarding, bootstrap
from onboarding.domain.contract import Contract

enable_tracing()
app = Chalice(app_name="onboarding", configure_logs=False)  # Powertools logs
api = HttpApi(app, service="onboarding")
api.openapi_route(
    "/openapi/onboarding.json",
    "Onboarding",
    "1.0.0",
    "Contracts: an event-sourced lifecycle DRAFT → PENDING_SIGNATURE → SIGNED → ACTIVE → TERMINATED.",
)


@functools.cache
def wired() -> Onboarding:
    """This container's adapters (bootstrap.py), built on first use."""
    return bootstrap()


ETAG = {"ETag": 'the contract\'s version, quoted ("3"): send it back in If-Match'}


def _contract(contract: Contract) -> Reply:
    """A contract, with its version as the ETag clients send back in ``If-Match``."""
    return Reply(contract.to_dict(), {"ETag": f'"{contract.version}"'})


@api.route(
    "/contracts", methods=["POST"], status=201, body=CreateContract, response=ContractView, headers=ETAG
)
def create(request: RequestContext) -> Reply:
    command = request.body(CreateContract)
    return _contract(
        commands.create_contract(command, wired().store, request.principal, request.correlation_id)
    )


@api.route("/contracts", methods=["GET"], query=ListContracts, response=ContractPage)
def list_all(request: RequestContext) -> dict[str, Any]:
    contracts, next_token = list_contracts(
        request.query(ListContracts), wired().read_model, request.principal
    )
    return {"items": [c.to_dict() for c in contracts], "next_token": next_token}


@api.route("/contracts/{contract_id}", methods=["GET"], response=ContractView, headers=ETAG)
def get_one(request: RequestContext, contract_id: str) -> Reply:
    return _contract(get_contract(contract_id, wired().read_model, request.principal))


@api.route("/contracts/{contract_id}/events", methods=["GET"], response=ContractHistory)
def history(request: RequestContext, contract_id: str) -> dict[str, Any]:
    events = contract_history(contract_id, wired().store, request.principal)
    return {"items": [e.public_view() for e in events], "next_token": None}


@api.route(
    "/contracts/{contract_id}/terms",
    methods=["PATCH"],
    body=AmendTerms,
    if_match=True,
    response=ContractView,
    headers=ETAG,
)
def amend_terms(request: RequestContext, contract_id: str) -> Reply:
    return _contract(
        commands.amend_terms(
            contract_id,
            request.body(AmendTerms),
            wired().store,
            request.principal,
            request.if_match(),
            request.correlation_id,
        )
    )


@api.route(
    "/contracts/{contract_id}/submit",
    methods=["POST"],
    body=NoBody,
    if_match=True,
    response=ContractView,
    headers=ETAG,
)
def submit(request: RequestContext, contract_id: str) -> Reply:
    request.body(NoBody)
    return _contract(
        commands.submit(
            contract_id, wired().store, request.principal, request.if_match(), request.correlation_id
        )
    )


@api.route(
    "/contracts/{contract_id}/sign",
    methods=["POST"],
    body=SignContract,
    if_match=True,
    response=ContractView,
    headers=ETAG,
)
def sign(request: RequestContext, contract_id: str) -> Reply:
    return _contract(
        commands.sign(
            contract_id,
            request.body(SignContract),
            wired().store,
            request.principal,
            request.if_match(),
            request.correlation_id,
        )
    )


@api.route(
    "/contracts/{contract_id}/activate",
    methods=["POST"],
    body=NoBody,
    if_match=True,
    response=ContractView,
    headers=ETAG,
)
def activate(request: RequestContext, contract_id: str) -> Reply:
    request.body(NoBody)
    return _contract(
        commands.activate(
            contract_id, wired().store, request.principal, request.if_match(), request.correlation_id
        )
    )


@api.route(
    "/contracts/{contract_id}/terminate",
    methods=["POST"],
    body=TerminateContract,
    if_match=True,
    response=ContractView,
    headers=ETAG,
)
def terminate(request: RequestContext, contract_id: str) -> Reply:
    return _contract(
        commands.terminate(
            contract_id,
            request.body(TerminateContract),
            wired().store,
            request.principal,
            request.if_match(),
            request.correlation_id,
        )
    )


# ---------------------------------------------------------------- asynchronous handlers
PARTNER_EVENT_HANDLERS = {
    "PartnerRegistrationCompleted": lambda e: draft_contract_for_new_partner(
        e, wired().store, wired().partners, wired().processed_partner_events
    ),
    "PartnerDeactivated": lambda e: terminate_partner_contracts(
        e, wired().store, wired().read_model, wired().partners, wired().processed_partner_events
    ),
}


def handle_partner_events(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """SQS (EventBridge rule) → PartnerRegistrationCompleted / PartnerDeactivated, each validated first."""
    return handle_integration_events(event, context, api.log, PARTNER_EVENT_HANDLERS, PARTNER_EVENTS_CONSUMER)


CONTRACT_STREAM_PARKING = "CONTRACT_STREAM_FAILURES_QUEUE_URL"


def project_contract_events(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Event-store stream → contracts read model."""

    def one(record: dict[str, Any]) -> None:
        _stored(record, lambda e: project(e, wired().read_model, wired().store))

    return handle_stream_records(
        event,
        context,
        api.log,
        one,
        consumer="onboarding.contract-projector",
        parking_queue_env=CONTRACT_STREAM_PARKING,
    )


def publish_contract_events(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Event-store stream → ContractSigned / ContractActivated / ContractTerminated on the bus."""

    def one(record: dict[str, Any]) -> None:
        _stored(record, lambda e: publish(e, wired().publisher))

    return handle_stream_records(
        event,
        context,
        api.log,
        one,
        consumer="onboarding.contract-publisher",
        parking_queue_env=CONTRACT_STREAM_PARKING,
    )


def _stored(record: dict[str, Any], handle: Any) -> None:
    if record.get("eventName") == "INSERT":  # the store is append-only: only inserts carry events
        handle(event_from_image(record["dynamodb"]["NewImage"]))


def rebuild_projections(event: dict[str, Any], context: Any) -> dict[str, int]:
    """Maintenance: refold every contract from the event store into the read model (`hexa
    rebuild-projections`)."""
    count = rebuild_read_model(wired().store, wired().read_model)
    api.log.info("contracts read model rebuilt", extra={"contracts": count})
    return {"contracts": count}
