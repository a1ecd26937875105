"""Domain events of a contract: the facts the event store keeps, version by version."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hexa_shared.clock import new_id

CONTRACT_DRAFTED = "ContractDrafted"
CONTRACT_TERMS_AMENDED = "ContractTermsAmended"
CONTRACT_SUBMITTED = "ContractSubmitted"
CONTRACT_SIGNED = "ContractSigned"
CONTRACT_ACTIVATED = "ContractActivated"
CONTRACT_TERMINATED = "ContractTerminated"
# A contract brought over from the monolith: its state as it was, in one event (no invented history)
CONTRACT_MIGRATED = "ContractMigrated"
# While the monolith still serves the partner: its new state of the contract, in one event (change
# capture; like ContractMigrated, never published — the monolith's own side effects already happened)
CONTRACT_REPLICATED = "ContractReplicated"
FROM_MONOLITH = (CONTRACT_MIGRATED, CONTRACT_REPLICATED)
EVENT_TYPES = (CONTRACT_DRAFTED, CONTRACT_TERMS_AMENDED, CONTRACT_SUBMITTED, CONTRACT_SIGNED,
               CONTRACT_ACTIVATED, CONTRACT_TERMINATED, CONTRACT_MIGRATED, CONTRACT_REPLICATED)


@dataclass(frozen=True)
class ContractEvent:
    contract_id: str
    version: int
    event_type: str
    occurred_at: str
    data: dict[str, Any]
    partner_id: str
    contract_type: str
    correlation_id: str = ""
    event_id: str = field(default_factory=new_id)
    trace_header: str | None = field(default=None, compare=False)  # X-Ray: the trace that stored it

    def public_view(self) -> dict[str, Any]:
        """The shape of ``GET /contracts/{id}/events`` items."""
        return {"version": self.version, "event_type": self.event_type, "occurred_at": self.occurred_at,
                "data": self.data}
