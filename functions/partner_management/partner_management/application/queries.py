"""Read use cases: one partner, a filtered page of partners (a partner token sees only itself)."""

from __future__ import annotations

from hexa_shared.auth import Principal
from partner_management.application.commands import ListPartners
from partner_management.application.ports import PartnerRepository
from partner_management.application.update_partner import load_visible
from partner_management.domain.partner import Partner


def get_partner(partner_id: str, repository: PartnerRepository, principal: Principal) -> Partner:
    return load_visible(repository, partner_id, principal)


def list_partners(
    query: ListPartners, repository: PartnerRepository, principal: Principal
) -> tuple[list[Partner], str | None]:
    if not principal.is_admin:
        own = repository.get(principal.partner_id or "")
        if (
            own is None
            or query.status not in (None, own.status)
            or query.partner_type not in (None, own.partner_type)
        ):
            return [], None
        return [own], None
    return repository.list(query.status, query.partner_type, query.limit, query.next_token)
