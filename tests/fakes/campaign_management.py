"""Campaign Management's permission facts in memory: sticky flags, in any order, any number of times."""
from __future__ import annotations

from dataclasses import replace

from campaign_management.domain.permissions import ContractFacts, PartnerStanding


class InMemoryPermissionStore:
    def __init__(self) -> None:
        self.standings: dict[str, PartnerStanding] = {}
        self.contracts: dict[str, dict[str, ContractFacts]] = {}

    def facts(self, partner_id: str) -> tuple[list[ContractFacts], PartnerStanding]:
        return list(self.contracts.get(partner_id, {}).values()), self.standings.get(partner_id, PartnerStanding())

    def _contract(self, partner_id: str, contract_id: str, **flags: object) -> None:
        facts = self.contracts.setdefault(partner_id, {})
        facts[contract_id] = replace(facts.get(contract_id, ContractFacts(contract_id)), **flags)

    def partner_registered(self, partner_id: str) -> None:
        self.standings[partner_id] = replace(self.standings.get(partner_id, PartnerStanding()), registered=True)

    def partner_deactivated(self, partner_id: str) -> None:
        self.standings[partner_id] = replace(self.standings.get(partner_id, PartnerStanding()), deactivated=True)

    def contract_activated(self, partner_id: str, contract_id: str, contract_type: str) -> None:
        self._contract(partner_id, contract_id, activated=True, contract_type=contract_type)

    def contract_terminated(self, partner_id: str, contract_id: str) -> None:
        self._contract(partner_id, contract_id, terminated=True)
