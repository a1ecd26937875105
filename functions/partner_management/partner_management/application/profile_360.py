"""Use case: Profile 360 — the partner plus what the three other contexts know about it.

The owners are asked concurrently, each with its own timeout, with the caller's own credentials (so a
partner token still sees only its own data). An owner that fails or is late marks its section
``unavailable`` with a reason; the answer is still a 200 within the timeout. Only an unknown (or
invisible) partner is a 404.
"""

from __future__ import annotations

import functools
from concurrent.futures import Future, ThreadPoolExecutor, wait
from decimal import Decimal
from typing import Any, Callable

from hexa_shared.auth import Principal
from hexa_shared.clock import now_iso
from hexa_shared.money import money
from hexa_shared.tracing import in_current_trace
from partner_management.application.ports import Owners, PartnerRepository
from partner_management.application.update_partner import load_visible

SECTIONS = ("contracts", "campaigns", "recruitment")


@functools.lru_cache(maxsize=None)
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=24, thread_name_prefix="profile-360")


def campaign_summary(campaigns: list[dict[str, Any]]) -> dict[str, Any]:
    open_ = [c for c in campaigns if c["status"] in ("ACTIVE", "PAUSED")]
    budget = sum((Decimal(c["budget"]) for c in open_), Decimal("0"))
    spent = sum((Decimal(c["spent"]) for c in campaigns), Decimal("0"))
    return {
        "count": len(campaigns),
        "active": sum(c["status"] == "ACTIVE" for c in campaigns),
        "open_budget": money(budget),
        "total_spent": money(spent),
        "open_budget_remaining": money(
            sum((max(Decimal(c["budget"]) - Decimal(c["spent"]), Decimal("0")) for c in open_), Decimal("0"))
        ),
    }


def profile_360(
    partner_id: str,
    repository: PartnerRepository,
    owners: Owners,
    principal: Principal,
    forwarded_headers: dict[str, str],
    timeout_seconds: float,
) -> dict[str, Any]:
    partner = load_visible(repository, partner_id, principal)
    calls: dict[str, Callable[[], Any]] = {
        "contracts": lambda: owners.contracts(partner_id, forwarded_headers),
        "campaigns": lambda: owners.campaigns(partner_id, forwarded_headers),
        "recruitment": lambda: owners.jobs(partner_id, forwarded_headers),
    }
    futures: dict[str, Future[Any]] = {
        name: _pool().submit(in_current_trace(call)) for name, call in calls.items()
    }
    wait(futures.values(), timeout=timeout_seconds)  # one budget for all: they run side by side
    results, sources, reasons = {}, {}, {}
    for name, future in futures.items():
        if not future.done():
            future.cancel()
            sources[name], reasons[name] = "unavailable", f"no answer within {int(timeout_seconds * 1000)} ms"
        elif (error := future.exception()) is not None:
            sources[name], reasons[name] = "unavailable", _reason(error)
        else:
            sources[name], results[name] = "ok", future.result()
    campaigns = results.get("campaigns")
    return {
        "partner": partner.to_dict(),
        "contracts": results.get("contracts"),
        "campaigns": campaigns,
        "campaign_summary": campaign_summary(campaigns) if campaigns is not None else None,
        "recruitment": {"jobs": results["recruitment"]} if "recruitment" in results else None,
        "sources": sources,
        "unavailable_reasons": reasons,
        "last_updated": now_iso(),
    }


def _reason(error: BaseException) -> str:
    text = str(error) or error.__class__.__name__
    if "timed out" in text.lower() or "timeout" in error.__class__.__name__.lower():
        return "timed out"
    return text[:200]
