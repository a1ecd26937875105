"""The partners Onboarding knows of: its own projection of Partner Management's events.

Each fact is sticky — once registered, always registered; once deactivated, always deactivated — so
the facts end the same whatever order, and however often, the events arrive. A partner takes new
contracts only while it is registered and not deactivated; ``contract_ids`` lists every contract ever
drafted for it, written in the same transaction as the draft, so a deactivation finds them all
without waiting for the (eventually consistent) read model.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class KnownPartner:
    partner_id: str
    registered: bool = False
    deactivated: bool = False
    contract_ids: frozenset[str] = field(default_factory=frozenset)

    @property
    def takes_contracts(self) -> bool:
        return self.registered and not self.deactivated
