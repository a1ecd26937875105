"""Use cases that change an existing partner: edit its details, deactivate it."""

from __future__ import annotations

from hexa_shared.auth import ADMIN, Principal
from hexa_shared.clock import now_iso
from hexa_shared.errors import FieldIssue, InvalidInput, NotFound
from partner_management.application.commands import UpdatePartner
from partner_management.application.events import partner_deactivated
from partner_management.application.ports import PartnerRepository
from partner_management.domain.partner import Partner


def load_visible(repository: PartnerRepository, partner_id: str, principal: Principal) -> Partner:
    partner = repository.get(partner_id)
    if partner is None or not principal.can_see_partner(partner_id):
        raise NotFound("partner not found")
    return partner


def update_partner(
    partner_id: str, command: UpdatePartner, repository: PartnerRepository, principal: Principal
) -> Partner:
    try:
        changes = command.changes()
    except ValueError as cleared:
        raise InvalidInput(
            f"{cleared} cannot be null", [FieldIssue(str(cleared), "cannot be null")]
        ) from None
    partner = load_visible(repository, partner_id, principal)
    if not changes:
        return partner
    return repository.save(partner.update(changes, now_iso()))


def deactivate_partner(
    partner_id: str, repository: PartnerRepository, principal: Principal, correlation_id: str
) -> Partner:
    principal.require_role(ADMIN)  # before any read: a partner learns nothing, not even whether it exists
    partner = load_visible(repository, partner_id, principal).deactivate(now_iso())
    return repository.save(partner, partner_deactivated(partner, correlation_id))
