"""Use case: record (or correct) one day of a campaign's performance.

Idempotent per day: the day's metrics are replaced and the campaign's spend moves by the difference,
in one transaction with the ``CampaignPerformanceRecorded`` event (and ``CampaignBudgetExhausted``
the first time spend reaches the budget, which also pauses an ACTIVE campaign). A PUT of what the day
already holds changes nothing and emits nothing; a version race with a concurrent writer is retried
inside (with jitter), so twenty identical PUTs at once all answer 200.
"""

from __future__ import annotations

import random
import time
from datetime import date

from campaign_management.application.commands import RecordPerformance
from campaign_management.application.events import budget_exhausted, performance_recorded
from campaign_management.application.ports import CampaignStore, ConcurrentChange
from campaign_management.application.queries import load_visible
from campaign_management.domain.campaign import Campaign
from campaign_management.domain.performance import DailyMetrics
from hexa_shared.auth import ADMIN, Principal
from hexa_shared.clock import now_iso, utc_now
from hexa_shared.errors import FieldIssue, InvalidInput

ATTEMPTS = 8


def record_performance(
    campaign_id: str,
    day: date,
    command: RecordPerformance,
    campaigns: CampaignStore,
    principal: Principal,
    correlation_id: str,
) -> Campaign:
    principal.require_role(ADMIN)
    metrics = DailyMetrics(day=day, **command.model_dump())
    problems = metrics.check()
    if problems:
        raise InvalidInput(
            "; ".join(f"{f}: {i}" for f, i in problems), [FieldIssue(f, i) for f, i in problems]
        )
    if day > utc_now().date():
        raise InvalidInput(
            "performance cannot be recorded for a future day", [FieldIssue("date", "is in the future")]
        )
    for attempt in range(ATTEMPTS):
        before = load_visible(campaigns, campaign_id, principal)  # the campaign first, then its day
        if not before.start_date <= day <= before.end_date:
            raise InvalidInput(
                "the day is outside the campaign's dates",
                [FieldIssue("date", f"must be within {before.start_date}..{before.end_date}")],
            )
        previous = campaigns.day(campaign_id, day)
        if previous == metrics:  # already recorded (a retry, or a concurrent twin that won): nothing to do
            return before
        delta = metrics.spend - (previous.spend if previous else 0)
        after, just_exhausted = before.record_spend_change(delta, now_iso())
        events = [performance_recorded(after, metrics, correlation_id)]
        if just_exhausted:
            events.append(budget_exhausted(after, correlation_id))
        try:
            campaigns.record_day(before, after, metrics, previous, events)
            return after
        except ConcurrentChange:
            if attempt == ATTEMPTS - 1:
                raise
            time.sleep(random.uniform(0, 0.005 * 2**attempt))  # spread the racers out
    raise AssertionError("unreachable")
