"""The PermissionStore port's contract, on the in-memory fake and DynamoDB alike: the facts a partner's
permission is folded from are sticky and commutative, so every order of arrival, with redeliveries,
leaves the same facts and the same permission."""

from __future__ import annotations

import itertools
import os

import pytest

from campaign_management.application.queries import permission_of
from campaign_management.domain.permissions import ContractFacts, PartnerStanding
from fakes.campaign_management import InMemoryPermissionStore
from hexa_shared.clock import new_id


def _facts(partner_id: str, contract_id: str):  # noqa: ANN202
    return {
        "registered": lambda store: store.partner_registered(partner_id),
        "activated": lambda store: store.contract_activated(partner_id, contract_id, "PREMIUM"),
        "terminated": lambda store: store.contract_terminated(partner_id, contract_id),
        "deactivated": lambda store: store.partner_deactivated(partner_id),
    }


class PermissionStoreContract:
    store: object

    def test_a_partner_with_no_facts_has_none_and_no_permission(self) -> None:
        partner_id = new_id()
        assert self.store.facts(partner_id) == ([], PartnerStanding())
        assert not permission_of(self.store, partner_id).can_create_campaigns

    def test_registered_with_an_active_contract_grants_its_limit(self) -> None:
        partner_id, contract_id = new_id(), new_id()
        facts = _facts(partner_id, contract_id)
        facts["activated"](self.store)
        facts["registered"](self.store)
        contracts, standing = self.store.facts(partner_id)
        assert contracts == [ContractFacts(contract_id, "PREMIUM", activated=True)]
        assert standing == PartnerStanding(registered=True)
        assert permission_of(self.store, partner_id).can_create_campaigns

    @pytest.mark.parametrize(
        "order", list(itertools.permutations(["registered", "activated", "terminated"])), ids="-".join
    )
    def test_every_order_and_redelivery_of_the_facts_ends_the_same(self, order: tuple[str, ...]) -> None:
        partner_id, contract_id = new_id(), new_id()
        facts = _facts(partner_id, contract_id)
        for name in order + order[:1]:  # the first fact delivered twice
            facts[name](self.store)
        contracts, standing = self.store.facts(partner_id)
        assert contracts == [ContractFacts(contract_id, "PREMIUM", activated=True, terminated=True)]
        assert standing == PartnerStanding(registered=True)
        assert not permission_of(self.store, partner_id).can_create_campaigns

    def test_a_deactivation_revokes_whatever_came_after_it(self) -> None:
        partner_id, contract_id = new_id(), new_id()
        facts = _facts(partner_id, contract_id)
        for name in ("deactivated", "registered", "activated"):
            facts[name](self.store)
        assert self.store.facts(partner_id)[1] == PartnerStanding(registered=True, deactivated=True)
        assert not permission_of(self.store, partner_id).can_create_campaigns


class TestInMemoryPermissionStore(PermissionStoreContract):
    @pytest.fixture(autouse=True)
    def _store(self) -> None:
        self.store = InMemoryPermissionStore()


class TestDynamoPermissionStore(PermissionStoreContract):
    @pytest.fixture(autouse=True)
    def _store(self, cloud) -> None:  # noqa: ANN001 - the running local cloud (its tables)
        from campaign_management.adapters.permission_store import DynamoPermissionStore

        self.store = DynamoPermissionStore(os.environ["CAMPAIGN_PERMISSIONS_TABLE"])
