"""Campaign Management Lambda handlers: HTTP API (``app``), contract-event consumer, outbox relay.

Thin by design: parse → use case → response. Everything else lives in ``campaign_management``.
"""

from __future__ import annotations

import functools
from typing import Any

from chalice import Chalice

from campaign_management.application import campaigns as use_cases
from campaign_management.application.commands import (
    CreateCampaign,
    DateRange,
    EditCampaign,
    ListCampaigns,
    RecordPerformance,
)
from campaign_management.application.performance import record_performance
from campaign_management.application.permission_events import on_permission_fact
from campaign_management.application.queries import (
    get_permission,
    list_campaigns,
    load_visible,
    performance_report,
)
from campaign_management.application.views import (
    Campaign,
    CampaignPage,
    PerformanceReport,
    Permission,
    RecordedDay,
)
from campaign_management.bootstrap import CONTRACT_EVENTS_CONSUMER, CampaignManagement, bootstrap
from hexa_shared import outbox
from hexa_shared.batch import handle_integration_events, handle_stream_records
from hexa_shared.errors import invalid
from hexa_shared.events.envelope import IntegrationEvent
from hexa_shared.fields import iso_date
from hexa_shared.http import HttpApi, RequestContext
from hexa_shared.observability import enable_tracing

enable_tracing()
app = Chalice(app_name="campaign-management", configure_logs=False)  # Powertools logs
api = HttpApi(app, service="campaign-management")
api.openapi_route(
    "/openapi/campaign-management.json",
    "Campaign Management",
    "1.0.0",
    "Campaigns, their budgets and daily performance, and the permissions active contracts grant.",
)


@functools.cache
def wired() -> CampaignManagement:
    """This container's adapters (bootstrap.py), built on first use."""
    return bootstrap()


@api.route("/permissions/{partner_id}", methods=["GET"], response=Permission)
def permission(request: RequestContext, partner_id: str) -> dict[str, Any]:
    return get_permission(partner_id, wired().permissions, request.principal).to_dict()


@api.route("/campaigns", methods=["POST"], status=201, body=CreateCampaign, response=Campaign)
def create(request: RequestContext) -> dict[str, Any]:
    command = request.body(CreateCampaign)
    return use_cases.create_campaign(
        command, wired().campaigns, wired().permissions, request.principal
    ).to_dict()


@api.route("/campaigns", methods=["GET"], query=ListCampaigns, response=CampaignPage)
def list_all(request: RequestContext) -> dict[str, Any]:
    found, next_token = list_campaigns(request.query(ListCampaigns), wired().campaigns, request.principal)
    return {"items": [c.to_dict() for c in found], "next_token": next_token}


@api.route("/campaigns/{campaign_id}", methods=["GET"], response=Campaign)
def get_one(request: RequestContext, campaign_id: str) -> dict[str, Any]:
    return load_visible(wired().campaigns, campaign_id, request.principal).to_dict()


@api.route("/campaigns/{campaign_id}", methods=["PATCH"], body=EditCampaign, response=Campaign)
def edit(request: RequestContext, campaign_id: str) -> dict[str, Any]:
    command = request.body(EditCampaign)
    return use_cases.edit_campaign(
        campaign_id, command, wired().campaigns, wired().permissions, request.principal
    ).to_dict()


def _lifecycle(name: str) -> None:
    command = getattr(use_cases, name)

    def view(request: RequestContext, campaign_id: str) -> dict[str, Any]:
        return command(campaign_id, wired().campaigns, wired().permissions, request.principal).to_dict()

    view.__name__ = f"{name}_campaign"
    api.route(f"/campaigns/{{campaign_id}}/{name}", methods=["POST"], response=Campaign)(view)


for _name in ("pause", "resume", "complete", "cancel"):
    _lifecycle(_name)


@api.route(
    "/campaigns/{campaign_id}/performance/{date}",
    methods=["PUT"],
    body=RecordPerformance,
    response=RecordedDay,
)
def put_performance(request: RequestContext, campaign_id: str, date: str) -> dict[str, Any]:
    try:
        day = iso_date(date)
    except ValueError as error:
        raise invalid("date", str(error)) from None
    command = request.body(RecordPerformance)
    updated = record_performance(
        campaign_id, day, command, wired().campaigns, request.principal, request.correlation_id
    )
    return {
        "campaign": updated.to_dict(),
        "date": day.isoformat(),
        "metrics": command.model_dump(mode="json"),
    }


@api.route(
    "/campaigns/{campaign_id}/performance", methods=["GET"], query=DateRange, response=PerformanceReport
)
def get_performance(request: RequestContext, campaign_id: str) -> dict[str, Any]:
    return performance_report(campaign_id, request.query(DateRange), wired().campaigns, request.principal)


# ---------------------------------------------------------------- asynchronous handlers
def _on_permission_fact(event: IntegrationEvent) -> None:
    on_permission_fact(event, wired().permissions, wired().campaigns, wired().processed_contract_events)


PERMISSION_EVENTS = (
    "PartnerRegistrationCompleted",
    "ContractActivated",
    "ContractTerminated",
    "PartnerDeactivated",
)


def handle_contract_events(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """SQS (EventBridge rules) → the partner and contract facts permissions are folded from, validated
    first."""
    return handle_integration_events(
        event,
        context,
        api.log,
        dict.fromkeys(PERMISSION_EVENTS, _on_permission_fact),
        CONTRACT_EVENTS_CONSUMER,
    )


def relay_campaign_events(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Outbox stream → EventBridge (CampaignPerformanceRecorded, CampaignBudgetExhausted)."""
    publisher = wired().publisher
    return handle_stream_records(
        event,
        context,
        api.log,
        lambda record: outbox.relay(record, publisher),
        consumer="campaign-management.outbox-relay",
        parking_queue_env="CAMPAIGN_OUTBOX_FAILURES_QUEUE_URL",
    )
