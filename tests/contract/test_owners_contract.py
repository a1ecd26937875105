"""The Owners port's contract (what Profile 360 asks the three other contexts), on the in-memory fake and
the owners' real HTTP APIs alike: each section lists the partner's items with the fields Profile 360
reads; the caller's own credentials decide what it sees (a partner's token sees its own items and nothing
of another partner's); an owner that is down raises instead of answering an empty list, and the other
owners still answer."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ContextManager

import pytest

from fakes.partner_management import InMemoryOwners
from hexa_shared.clock import new_id
from partner_management.application.ports import Owners

SECTIONS = ("contracts", "campaigns", "jobs")
IDS = {"contracts": "contract_id", "campaigns": "campaign_id", "jobs": "job_id"}
READ_BY_PROFILE = {
    "contracts": {"contract_id", "status"},
    "campaigns": {"campaign_id", "status", "budget", "spent"},
    "jobs": {"job_id"},
}


@dataclass
class World:
    owners: Owners
    partner_id: str  # an ACTIVE contract, two campaigns (one paused) and a job
    expected: dict[str, set[str]]  # section -> the ids it must list
    bare_partner_id: str  # registered, no campaign, no job
    credentials: Callable[[str | None], dict[str, str]]  # a partner's headers (None: an admin's)
    owner_down: Callable[[str], ContextManager[None]]  # a section's owner stops answering


def _ask(owners: Owners, section: str, partner_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    return getattr(owners, section)(partner_id, headers)


class OwnersContract:
    def test_each_section_lists_the_partners_items_with_what_profile_360_reads(self, world: World) -> None:
        for section in SECTIONS:
            items = _ask(world.owners, section, world.partner_id, world.credentials(None))
            assert {item[IDS[section]] for item in items} == world.expected[section], section
            assert all(READ_BY_PROFILE[section] <= set(item) for item in items), section
        campaigns = _ask(world.owners, "campaigns", world.partner_id, world.credentials(None))
        assert sorted(c["status"] for c in campaigns) == ["ACTIVE", "PAUSED"]

    def test_the_partners_own_credentials_see_the_same_items(self, world: World) -> None:
        own = world.credentials(world.partner_id)
        for section in SECTIONS:
            items = _ask(world.owners, section, world.partner_id, own)
            assert {item[IDS[section]] for item in items} == world.expected[section], section

    def test_another_partners_credentials_see_nothing_of_it(self, world: World) -> None:
        stranger = world.credentials(new_id())
        for section in SECTIONS:
            assert _ask(world.owners, section, world.partner_id, stranger) == [], section

    def test_a_partner_without_campaigns_or_jobs_gets_empty_lists(self, world: World) -> None:
        for section in ("campaigns", "jobs"):
            assert _ask(world.owners, section, world.bare_partner_id, world.credentials(None)) == [], section

    def test_an_owner_that_is_down_raises_and_the_others_still_answer(self, world: World) -> None:
        admin = world.credentials(None)
        with world.owner_down("campaigns"):
            with pytest.raises(Exception) as failure:
                _ask(world.owners, "campaigns", world.partner_id, admin)
            assert "503" in str(failure.value)
            assert {
                c["contract_id"] for c in _ask(world.owners, "contracts", world.partner_id, admin)
            } == world.expected["contracts"]
        assert len(_ask(world.owners, "campaigns", world.partner_id, admin)) == 2  # back once it is up


class TestInMemoryOwners(OwnersContract):
    @pytest.fixture(scope="class")
    @classmethod
    def world(cls) -> World:
        owners = InMemoryOwners()
        partner_id, bare = new_id(), new_id()
        expected = {section: {new_id()} for section in SECTIONS}
        expected["campaigns"].add(new_id())
        for contract_id in expected["contracts"]:
            owners.add("contracts", partner_id, {"contract_id": contract_id, "status": "ACTIVE"})
        for campaign_id, status in zip(sorted(expected["campaigns"]), ("ACTIVE", "PAUSED")):
            owners.add(
                "campaigns",
                partner_id,
                {"campaign_id": campaign_id, "status": status, "budget": "100.00", "spent": "0.00"},
            )
        for job_id in expected["jobs"]:
            owners.add("jobs", partner_id, {"job_id": job_id, "title": "Creator"})
        owners.add("contracts", bare, {"contract_id": new_id(), "status": "DRAFT"})

        @contextlib.contextmanager
        def owner_down(section: str) -> Iterator[None]:
            owners.down.add(section)
            try:
                yield
            finally:
                owners.down.discard(section)

        return World(
            owners,
            partner_id,
            expected,
            bare,
            lambda who: {"Authorization": "Bearer " + (f"partner:{who}" if who else "admin")},
            owner_down,
        )


class TestOwnerApis(OwnersContract):
    """The real owners behind the local API Gateway, with real tokens."""

    FUNCTIONS = {
        "contracts": "OnboardingApiFunction",
        "campaigns": "CampaignManagementApiFunction",
        "jobs": "RecruitmentApiFunction",
    }

    @pytest.fixture(scope="class")
    @classmethod
    def world(cls, api, cloud, stack) -> World:  # noqa: ANN001 - the running local cloud, its token minter
        from partner_management.adapters.owner_apis import OwnerApis
        from support import campaign_body, partner_with_permission, register_partner

        partner, contract_id = partner_with_permission(api)
        partner_id = partner["partner_id"]
        campaigns = [
            api.post("/campaigns", campaign_body(partner_id, budget=b)).json()["campaign_id"]
            for b in ("100.00", "200.00")
        ]
        assert api.post(f"/campaigns/{campaigns[1]}/pause").status_code == 200
        job = api.post(
            "/jobs",
            {
                "partner_id": partner_id,
                "title": "Creator",
                "required_skills": ["video"],
                "experience_required": 1,
                "location": "Madrid",
            },
        ).json()["job_id"]
        bare = register_partner(api)["partner_id"]
        expected = {"contracts": {contract_id}, "campaigns": set(campaigns), "jobs": {job}}

        def credentials(who: str | None) -> dict[str, str]:
            token = stack.token(role="partner", partner_id=who) if who else stack.token(role="admin")
            return {"Authorization": f"Bearer {token}"}

        @contextlib.contextmanager
        def owner_down(section: str) -> Iterator[None]:
            cloud.inject_fault(cls.FUNCTIONS[section], down=True)
            try:
                yield
            finally:
                cloud.clear_faults()

        return World(
            OwnerApis(cloud.api_url, timeout_seconds=10.0),
            partner_id,
            expected,
            bare,
            credentials,
            owner_down,
        )
