"""Campaign Management's use cases and its permission consumer on the in-memory fakes (tests/fakes, proven
by tests/contract): milliseconds each.

Creating within the permission and the limit, recording a day (idempotent, corrections, the budget's
exhaustion reported once), a rival writer between load and write (retried), and the permission facts:
a revocation pauses the partner's ACTIVE campaigns once, a redelivery pauses nothing it did not pause.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from campaign_management.application import performance
from campaign_management.application.campaigns import create_campaign, pause, resume
from campaign_management.application.commands import CreateCampaign, RecordPerformance
from campaign_management.application.performance import record_performance
from campaign_management.application.permission_events import on_permission_fact
from campaign_management.application.ports import BudgetLimitExceeded, ConcurrentChange
from campaign_management.domain.campaign import Campaign, CampaignStatus
from campaign_management.domain.performance import DailyMetrics
from fakes.campaign_management import InMemoryCampaignStore, InMemoryPermissionStore
from fakes.event_ledger import InMemoryProcessedEvents
from hexa_shared.auth import Principal
from hexa_shared.clock import new_id, now_iso, utc_now
from hexa_shared.errors import Forbidden, NotFound
from hexa_shared.events.envelope import IntegrationEvent

ADMIN = Principal("admin", "admin")
TODAY = utc_now().date()


@pytest.fixture
def campaigns() -> InMemoryCampaignStore:
    return InMemoryCampaignStore()


@pytest.fixture
def permissions() -> InMemoryPermissionStore:
    return InMemoryPermissionStore()


@pytest.fixture
def ledger() -> InMemoryProcessedEvents:
    return InMemoryProcessedEvents()


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(performance.random, "uniform", lambda low, high: 0.0)


def _fact(name: str, partner_id: str, **data: str) -> IntegrationEvent:
    return IntegrationEvent(
        name=name, source="test", data={"partner_id": partner_id, **data}, correlation_id="test"
    )


def _allowed(permissions: InMemoryPermissionStore, contract_type: str = "STANDARD") -> tuple[str, str]:
    partner_id, contract_id = new_id(), new_id()
    permissions.partner_registered(partner_id)
    permissions.contract_activated(partner_id, contract_id, contract_type)
    return partner_id, contract_id


def _create(
    campaigns: InMemoryCampaignStore,
    permissions: InMemoryPermissionStore,
    partner_id: str,
    budget: str = "1000.00",
    principal: Principal = ADMIN,
) -> Campaign:
    command = CreateCampaign(
        partner_id=partner_id,
        name="Spring",
        budget=budget,
        start_date=(TODAY - timedelta(days=60)).isoformat(),
        end_date=(TODAY + timedelta(days=30)).isoformat(),
    )
    return create_campaign(command, campaigns, permissions, principal)


def _day(spend: str, days_ago: int = 1) -> tuple[date, RecordPerformance]:
    return TODAY - timedelta(days=days_ago), RecordPerformance(
        impressions=1000, clicks=50, conversions=5, revenue="200.00", spend=spend
    )


def _record(campaigns: InMemoryCampaignStore, campaign: Campaign, spend: str, days_ago: int = 1) -> Campaign:
    day, command = _day(spend, days_ago)
    return record_performance(campaign.campaign_id, day, command, campaigns, ADMIN, "test")


# ---------------------------------------------------------------------- creating
def test_a_partner_without_an_active_contract_cannot_create(campaigns, permissions) -> None:  # noqa: ANN001
    partner_id = new_id()
    permissions.partner_registered(partner_id)
    with pytest.raises(Forbidden):
        _create(campaigns, permissions, partner_id)
    assert campaigns.campaigns == {}


def test_the_contract_types_limit_bounds_the_open_total(campaigns, permissions) -> None:  # noqa: ANN001
    partner_id, _ = _allowed(permissions, "STANDARD")  # 10,000.00
    _create(campaigns, permissions, partner_id, "6000.00")
    with pytest.raises(BudgetLimitExceeded):
        _create(campaigns, permissions, partner_id, "4000.01")
    assert _create(campaigns, permissions, partner_id, "4000.00").status is CampaignStatus.ACTIVE
    assert campaigns.open_budgets([partner_id]) == {partner_id: Decimal("10000.00")}


def test_a_partner_cannot_create_for_another_partner(campaigns, permissions) -> None:  # noqa: ANN001
    partner_id, _ = _allowed(permissions)
    stranger = new_id()
    with pytest.raises(NotFound):
        _create(campaigns, permissions, partner_id, principal=Principal(stranger, "partner", stranger))
    assert campaigns.campaigns == {}


# ---------------------------------------------------------------------- recording a day
def test_a_day_moves_spend_and_the_same_day_again_changes_nothing(campaigns, permissions) -> None:  # noqa: ANN001
    campaign = _create(campaigns, permissions, _allowed(permissions)[0])
    recorded = _record(campaigns, campaign, "120.00")
    assert (recorded.spent, [e.name for e in campaigns.outbox]) == (
        Decimal("120.00"),
        ["CampaignPerformanceRecorded"],
    )
    again = _record(campaigns, campaign, "120.00")
    assert again.spent == Decimal("120.00") and len(campaigns.outbox) == 1  # a retry: nothing new
    corrected = _record(campaigns, campaign, "20.00")
    assert corrected.spent == Decimal("20.00") and len(campaigns.outbox) == 2


def test_reaching_the_budget_pauses_and_is_reported_once(campaigns, permissions) -> None:  # noqa: ANN001
    campaign = _create(campaigns, permissions, _allowed(permissions)[0], "100.00")
    exhausted = _record(campaigns, campaign, "100.00", days_ago=2)
    assert (exhausted.status, exhausted.budget_exhausted) == (CampaignStatus.PAUSED, True)
    _record(campaigns, campaign, "5.00", days_ago=1)
    names = [e.name for e in campaigns.outbox]
    assert names.count("CampaignBudgetExhausted") == 1 and names.count("CampaignPerformanceRecorded") == 2


class _RivalFirst(InMemoryCampaignStore):
    """Another writer commits on the campaign between each of the first ``rivals`` loads and writes."""

    def __init__(self, rivals: int) -> None:
        super().__init__()
        self.rivals, self.attempts = rivals, 0

    def record_day(self, before, after, metrics, previous, events) -> None:  # noqa: ANN001
        self.attempts += 1
        if self.rivals:
            self.rivals -= 1
            current = self.campaigns[before.campaign_id]
            self.save(
                current,
                current.edit(
                    name=f"rival {self.rivals}",
                    description=None,
                    budget=None,
                    start_date=None,
                    end_date=None,
                    now=now_iso(),
                ),
                None,
            )
        super().record_day(before, after, metrics, previous, events)


def test_a_rival_write_is_retried_and_the_day_lands_once(permissions) -> None:  # noqa: ANN001
    campaigns = _RivalFirst(rivals=3)
    campaign = _create(campaigns, permissions, _allowed(permissions)[0])
    recorded = _record(campaigns, campaign, "40.00")
    assert campaigns.attempts == 4
    stored = campaigns.get(campaign.campaign_id)
    assert stored is not None and stored.spent == Decimal("40.00") and stored.name == "rival 0"
    assert [e.name for e in campaigns.outbox] == ["CampaignPerformanceRecorded"]
    assert recorded.spent == Decimal("40.00")


def test_a_conflict_that_never_ends_gives_up_after_the_attempts(permissions) -> None:  # noqa: ANN001
    campaigns = _RivalFirst(rivals=100)
    campaign = _create(campaigns, permissions, _allowed(permissions)[0])
    with pytest.raises(ConcurrentChange):
        _record(campaigns, campaign, "40.00")
    assert campaigns.attempts == performance.ATTEMPTS
    assert campaigns.days == {} and campaigns.outbox == []


# ---------------------------------------------------------------------- permission facts
def test_a_termination_pauses_the_active_campaigns_only(campaigns, permissions, ledger) -> None:  # noqa: ANN001
    partner_id, contract_id = _allowed(permissions)
    active = [_create(campaigns, permissions, partner_id, "100.00") for _ in range(3)]
    paused_before = pause(active[0].campaign_id, campaigns, permissions, ADMIN)
    other, _ = _allowed(permissions)
    theirs = _create(campaigns, permissions, other, "100.00")
    on_permission_fact(
        _fact("ContractTerminated", partner_id, contract_id=contract_id, reason="breach"),
        permissions,
        campaigns,
        ledger,
    )
    statuses = {c.campaign_id: campaigns.get(c.campaign_id).status for c in active}  # type: ignore[union-attr]
    assert set(statuses.values()) == {CampaignStatus.PAUSED}
    assert campaigns.get(paused_before.campaign_id).version == paused_before.version  # type: ignore[union-attr]
    assert campaigns.get(theirs.campaign_id).status is CampaignStatus.ACTIVE  # type: ignore[union-attr]
    with pytest.raises(Forbidden):
        resume(active[1].campaign_id, campaigns, permissions, ADMIN)


def test_a_redelivered_termination_pauses_nothing_resumed_since(campaigns, permissions, ledger) -> None:  # noqa: ANN001
    partner_id, contract_id = _allowed(permissions)
    campaign = _create(campaigns, permissions, partner_id)
    terminated = _fact("ContractTerminated", partner_id, contract_id=contract_id, reason="breach")
    on_permission_fact(terminated, permissions, campaigns, ledger)
    on_permission_fact(
        _fact("ContractActivated", partner_id, contract_id=new_id(), contract_type="PREMIUM"),
        permissions,
        campaigns,
        ledger,
    )  # a newer contract
    resumed = resume(campaign.campaign_id, campaigns, permissions, ADMIN)
    on_permission_fact(terminated, permissions, campaigns, ledger)  # the old event, delivered again
    assert campaigns.get(campaign.campaign_id) == resumed


def test_a_deactivation_pauses_even_with_an_active_contract(campaigns, permissions, ledger) -> None:  # noqa: ANN001
    partner_id, _ = _allowed(permissions)
    campaign = _create(campaigns, permissions, partner_id)
    on_permission_fact(_fact("PartnerDeactivated", partner_id), permissions, campaigns, ledger)
    assert campaigns.get(campaign.campaign_id).status is CampaignStatus.PAUSED  # type: ignore[union-attr]


def test_granting_facts_in_either_order_allow_campaigns(campaigns, permissions, ledger) -> None:  # noqa: ANN001
    partner_id = new_id()
    on_permission_fact(
        _fact("ContractActivated", partner_id, contract_id=new_id(), contract_type="STANDARD"),
        permissions,
        campaigns,
        ledger,
    )
    with pytest.raises(Forbidden):  # not registered yet
        _create(campaigns, permissions, partner_id)
    on_permission_fact(_fact("PartnerRegistrationCompleted", partner_id), permissions, campaigns, ledger)
    assert _create(campaigns, permissions, partner_id).status is CampaignStatus.ACTIVE
    assert ledger.event_ids == set()  # granting facts are idempotent by state: no ledger write


def test_an_event_it_does_not_consume_is_refused_before_any_write(campaigns, permissions, ledger) -> None:  # noqa: ANN001
    event = _fact("CampaignCreated", new_id())
    with pytest.raises(ValueError, match="does not consume CampaignCreated"):
        on_permission_fact(event, permissions, campaigns, ledger)
    assert not ledger.already_processed(event.event_id)


class _RivalOnPause(InMemoryCampaignStore):
    def __init__(self) -> None:
        super().__init__()
        self.raced = False

    def save(self, before, after, limit, events=()):  # noqa: ANN001, ANN201
        if not self.raced and after.status is CampaignStatus.PAUSED:
            self.raced = True
            super().save(
                before,
                before.edit(
                    name="rival", description=None, budget=None, start_date=None, end_date=None, now=now_iso()
                ),
                None,
            )
        return super().save(before, after, limit, events)


def test_pausing_on_revocation_retries_past_a_rival_write(permissions, ledger) -> None:  # noqa: ANN001
    campaigns = _RivalOnPause()
    partner_id, contract_id = _allowed(permissions)
    campaign = _create(campaigns, permissions, partner_id)
    on_permission_fact(
        _fact("ContractTerminated", partner_id, contract_id=contract_id, reason="breach"),
        permissions,
        campaigns,
        ledger,
    )
    stored = campaigns.get(campaign.campaign_id)
    assert campaigns.raced and stored is not None
    assert (stored.status, stored.name) == (CampaignStatus.PAUSED, "rival")


def test_a_metrics_day_is_compared_by_value() -> None:
    day = TODAY - timedelta(days=1)
    one = DailyMetrics(day, 1, 1, 1, Decimal("1.00"), Decimal("1.00"))
    assert one == DailyMetrics(
        day, 1, 1, 1, Decimal("1.0"), Decimal("1")
    )  # a retry with other digits is the same
