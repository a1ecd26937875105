"""Profile 360 on the fakes (tests/fakes, proven by tests/contract/test_owners_contract.py): every owner
asked with the caller's credentials, one failing or late owner degrades only its own section, and a
partner that is not the caller's asks no owner at all."""

from __future__ import annotations

import threading

import pytest

from fakes.partner_management import InMemoryOwners, InMemoryPartnerRepository
from hexa_shared.auth import Principal
from hexa_shared.clock import new_id
from hexa_shared.errors import NotFound
from partner_management.application.commands import RegisterPartner
from partner_management.application.profile_360 import profile_360
from partner_management.application.register_partner import register_partner

ADMIN = Principal("admin", "admin")
AS_ADMIN = {"Authorization": "Bearer admin"}


@pytest.fixture
def repository() -> InMemoryPartnerRepository:
    return InMemoryPartnerRepository()


@pytest.fixture
def partner_id(repository: InMemoryPartnerRepository) -> str:
    command = RegisterPartner(
        name="Acme", email=f"{new_id()}@acme.example", partner_type="COMPANY", country="ES"
    )
    return register_partner(command, repository, ADMIN, "corr").partner_id


@pytest.fixture
def owners(partner_id: str) -> InMemoryOwners:
    owners = InMemoryOwners()
    owners.add("contracts", partner_id, {"contract_id": new_id(), "status": "ACTIVE"})
    for budget, spent, status in (
        ("1000.00", "1200.00", "ACTIVE"),
        ("250.50", "50.50", "PAUSED"),
        ("99.00", "99.00", "COMPLETED"),
    ):
        owners.add(
            "campaigns",
            partner_id,
            {"campaign_id": new_id(), "status": status, "budget": budget, "spent": spent},
        )
    owners.add("jobs", partner_id, {"job_id": new_id(), "title": "Creator"})
    return owners


def _profile(
    partner_id: str,
    repository,
    owners,
    principal: Principal = ADMIN,  # noqa: ANN001
    headers: dict[str, str] = AS_ADMIN,
    timeout: float = 2.0,
) -> dict:
    return profile_360(partner_id, repository, owners, principal, headers, timeout)


def test_every_section_comes_from_its_owner_with_the_callers_credentials(
    partner_id, repository, owners
) -> None:  # noqa: ANN001
    body = _profile(partner_id, repository, owners)
    assert body["sources"] == {"contracts": "ok", "campaigns": "ok", "recruitment": "ok"}
    assert body["unavailable_reasons"] == {} and body["partner"]["partner_id"] == partner_id
    assert (
        len(body["contracts"]) == 1 and len(body["campaigns"]) == 3 and len(body["recruitment"]["jobs"]) == 1
    )
    # open = ACTIVE + PAUSED; an overspent campaign leaves nothing, not a negative remainder
    assert body["campaign_summary"] == {
        "count": 3,
        "active": 1,
        "open_budget": "1250.50",
        "total_spent": "1349.50",
        "open_budget_remaining": "200.00",
    }
    assert sorted(section for section, _, _ in owners.asked) == ["campaigns", "contracts", "jobs"]
    assert all(headers == AS_ADMIN and asked == partner_id for _, asked, headers in owners.asked)


def test_an_owner_that_fails_degrades_only_its_section(partner_id, repository, owners) -> None:  # noqa: ANN001
    owners.down.add("campaigns")
    body = _profile(partner_id, repository, owners)
    assert body["sources"] == {"contracts": "ok", "campaigns": "unavailable", "recruitment": "ok"}
    assert body["unavailable_reasons"] == {"campaigns": "HTTP 503 service_unavailable"}
    assert body["campaigns"] is None and body["campaign_summary"] is None
    assert body["contracts"] and body["recruitment"]["jobs"]


class _Stalled(InMemoryOwners):
    def __init__(self, base: InMemoryOwners) -> None:
        super().__init__()
        self.items, self.release = base.items, threading.Event()

    def jobs(self, partner_id: str, headers: dict[str, str]) -> list[dict]:
        self.release.wait(10)
        return super().jobs(partner_id, headers)


def test_an_owner_that_is_late_is_cut_off_at_the_timeout(partner_id, repository, owners) -> None:  # noqa: ANN001
    stalled = _Stalled(owners)
    try:
        body = _profile(partner_id, repository, stalled, timeout=0.05)
    finally:
        stalled.release.set()
    assert body["sources"] == {"contracts": "ok", "campaigns": "ok", "recruitment": "unavailable"}
    assert body["unavailable_reasons"] == {"recruitment": "no answer within 50 ms"}
    assert body["recruitment"] is None and body["campaign_summary"]["count"] == 3


def test_a_partner_token_reaches_its_own_profile_only(partner_id, repository, owners) -> None:  # noqa: ANN001
    own = {"Authorization": f"Bearer partner:{partner_id}"}
    body = _profile(partner_id, repository, owners, Principal(partner_id, "partner", partner_id), own)
    assert body["sources"]["campaigns"] == "ok" and len(body["campaigns"]) == 3
    stranger = new_id()
    owners.asked.clear()
    with pytest.raises(NotFound):
        _profile(
            partner_id,
            repository,
            owners,
            Principal(stranger, "partner", stranger),
            {"Authorization": f"Bearer partner:{stranger}"},
        )
    assert owners.asked == []  # refused before any owner was asked
    with pytest.raises(NotFound):
        _profile(new_id(), repository, owners)
