"""Partner Management's side of change capture while the monolith still serves some partners: the
monolith's newest state of a partner, applied over what the platform holds.

The monolith has no version and no rate history, so the platform keeps its own: the version moves on
(a reader's ``If-Match`` stays meaningful) and a changed commission rate is appended to the history
from the moment the monolith changed it. Applying the same state twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from partner_management.domain.partner import Partner

COMPARED = (
    "name",
    "email",
    "partner_type",
    "country",
    "commission_rate",
    "status",
    "tax_id",
    "phone",
    "created_at",
)


class PartnerReplica(Protocol):
    def get(self, partner_id: str) -> Partner | None: ...

    def replicate(self, partner: Partner, previous: Partner | None) -> None: ...


@dataclass(frozen=True)
class Replicated:
    changed: bool  # the platform's partner was written
    facts_changed: bool  # new, or its status moved: what the other contexts derive from it must follow


def replicate_partner(partner: Partner, repository: PartnerReplica) -> Replicated:
    """``partner`` as mapped from the monolith's row, over what the platform holds."""
    current = repository.get(partner.partner_id)
    if current is None:
        repository.replicate(partner, None)
        return Replicated(True, True)
    if all(getattr(current, name) == getattr(partner, name) for name in COMPARED):
        return Replicated(False, False)
    history = current.commission_history
    if partner.commission_rate != current.commission_rate:
        history = history + ((partner.updated_at, partner.commission_rate),)
    repository.replicate(replace(partner, version=current.version, commission_history=history), current)
    return Replicated(True, partner.status != current.status)
