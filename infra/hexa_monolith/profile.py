"""Profile 360 from the monolith's own joins: the partner, its contracts and campaigns, one answer.
Recruitment never existed in the monolith: that section is unavailable, and says why."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, current_app

from . import campaigns as campaign_views, contracts as contract_views
from .partners import load, view
from .vocabulary import money, timestamp, now

profile = Blueprint("profile", __name__)


@profile.get("/partners/<partner_id>/profile-360")
def profile_360(partner_id: str) -> dict[str, Any]:
    with current_app.db.transaction() as conn:
        partner = view(load(conn, partner_id))
        contracts = [
            contract_views.view(r)
            for r in conn.execute("SELECT * FROM contratos WHERE partner_id = %s ORDER BY id", (partner_id,))
        ]
        campaigns = [
            campaign_views.view(conn, r)
            for r in conn.execute("SELECT * FROM campaigns WHERE partner_id = %s ORDER BY id", (partner_id,))
        ]
    open_ = [c for c in campaigns if c["status"] in ("ACTIVE", "PAUSED")]
    open_budget = sum((Decimal(c["budget"]) for c in open_), Decimal(0))
    open_spent = sum((Decimal(c["spent"]) for c in open_), Decimal(0))
    return {
        "partner": partner,
        "contracts": contracts,
        "campaigns": campaigns,
        "campaign_summary": {
            "count": len(campaigns),
            "active": sum(c["status"] == "ACTIVE" for c in campaigns),
            "open_budget": money(open_budget),
            "total_spent": money(sum((Decimal(c["spent"]) for c in campaigns), Decimal(0))),
            "open_budget_remaining": money(open_budget - open_spent),
        },
        "recruitment": None,
        "sources": {"contracts": "ok", "campaigns": "ok", "recruitment": "unavailable"},
        "unavailable_reasons": {"recruitment": "the monolith has no recruitment"},
        "last_updated": timestamp(now()),
    }
