"""Partner Management Lambda handlers: HTTP API (``app``) and the outbox relay.

Thin by design: parse → use case → response. Everything else lives in ``partner_management``.
"""

from __future__ import annotations

import functools
from typing import Any

from chalice import Chalice

from hexa_shared import outbox
from hexa_shared.batch import handle_integration_events, handle_stream_records
from hexa_shared.http import HttpApi, RequestContext
from hexa_shared.observability import enable_tracing
from partner_management.adapters.owner_apis import OwnerApis
from partner_management.application.commissions import (
    CommissionQuery,
    commission_statement,
    record_commission,
)
from partner_management.application.profile_360 import profile_360
from partner_management.application.commands import ListPartners, RegisterPartner, UpdatePartner
from partner_management.application.queries import get_partner, list_partners
from partner_management.application.register_partner import register_partner
from partner_management.application.update_partner import deactivate_partner, update_partner
from partner_management.application.views import CommissionStatement, Health, Partner, PartnerPage, Profile360
from partner_management.bootstrap import PartnerManagement, bootstrap

enable_tracing()
app = Chalice(app_name="partner-management", configure_logs=False)  # Powertools logs
api = HttpApi(app, service="partner-management")
api.openapi_route(
    "/openapi/partner-management.json",
    "Partner Management",
    "1.0.0",
    "Partners, their commissions and the Profile 360 view across the four contexts.",
)


@functools.cache
def wired() -> PartnerManagement:
    """This container's adapters (bootstrap.py), built on first use."""
    return bootstrap()


@api.route("/health", methods=["GET"], public=True, response=Health)
def health(_: RequestContext) -> dict[str, str]:
    return {"status": "ok", "service": "partner-management"}


@api.route("/partners", methods=["POST"], status=201, body=RegisterPartner, response=Partner)
def register(request: RequestContext) -> dict[str, Any]:
    return register_partner(
        request.body(RegisterPartner), wired().repository, request.principal, request.correlation_id
    ).to_dict()


@api.route("/partners", methods=["GET"], query=ListPartners, response=PartnerPage)
def list_all(request: RequestContext) -> dict[str, Any]:
    partners, next_token = list_partners(request.query(ListPartners), wired().repository, request.principal)
    return {"items": [p.to_dict() for p in partners], "next_token": next_token}


@api.route("/partners/{partner_id}", methods=["GET"], response=Partner)
def get_one(request: RequestContext, partner_id: str) -> dict[str, Any]:
    return get_partner(partner_id, wired().repository, request.principal).to_dict()


@api.route("/partners/{partner_id}", methods=["PATCH"], body=UpdatePartner, response=Partner)
def update(request: RequestContext, partner_id: str) -> dict[str, Any]:
    return update_partner(
        partner_id, request.body(UpdatePartner), wired().repository, request.principal
    ).to_dict()


@api.route("/partners/{partner_id}/deactivate", methods=["POST"], response=Partner)
def deactivate(request: RequestContext, partner_id: str) -> dict[str, Any]:
    return deactivate_partner(
        partner_id, wired().repository, request.principal, request.correlation_id
    ).to_dict()


@api.route(
    "/partners/{partner_id}/commissions", methods=["GET"], query=CommissionQuery, response=CommissionStatement
)
def commissions(request: RequestContext, partner_id: str) -> dict[str, Any]:
    return commission_statement(
        partner_id, request.query(CommissionQuery), wired().repository, wired().ledger, request.principal
    )


@api.route("/partners/{partner_id}/profile-360", methods=["GET"], response=Profile360)
def profile(request: RequestContext, partner_id: str) -> dict[str, Any]:
    timeout = wired().owner_timeout_s
    owners = OwnerApis(service_base_url(request), timeout)
    forwarded = {
        "Authorization": request.raw.headers.get("authorization", ""),
        "X-Correlation-Id": request.correlation_id,
    }
    return profile_360(partner_id, wired().repository, owners, request.principal, forwarded, timeout)


def service_base_url(request: RequestContext) -> str:
    """Configured (SERVICE_BASE_URL), else the API this request came in through."""
    configured = wired().service_base_url
    if configured:
        return configured
    context = request.raw.context or {}
    return f"https://{context.get('domainName', '')}/{context.get('stage', '')}"


CAMPAIGN_EVENTS_CONSUMER = "partner-management.campaign-events"


CAMPAIGN_EVENT_HANDLERS = {
    "CampaignPerformanceRecorded": lambda event: record_commission(event, wired().repository, wired().ledger),
}


def handle_campaign_events(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """SQS (EventBridge rule) → CampaignPerformanceRecorded (validated first) → commission ledger."""
    return handle_integration_events(
        event, context, api.log, CAMPAIGN_EVENT_HANDLERS, CAMPAIGN_EVENTS_CONSUMER
    )


def relay_partner_events(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Outbox stream → EventBridge (PartnerRegistrationCompleted, PartnerDeactivated)."""
    publisher = wired().publisher
    return handle_stream_records(
        event,
        context,
        api.log,
        lambda record: outbox.relay(record, publisher),
        consumer="partner-management.outbox-relay",
        parking_queue_env="PARTNER_OUTBOX_FAILURES_QUEUE_URL",
    )
