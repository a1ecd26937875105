"""Use case: register a partner (unique email) and announce it."""

from __future__ import annotations

from hexa_shared.auth import ADMIN, Principal
from hexa_shared.clock import new_id, now_iso
from partner_management.application.commands import RegisterPartner
from partner_management.application.events import partner_registration_completed
from partner_management.application.ports import PartnerRepository
from partner_management.domain.partner import Partner


def register_partner(
    command: RegisterPartner, repository: PartnerRepository, principal: Principal, correlation_id: str
) -> Partner:
    principal.require_role(ADMIN)  # only an administrator registers a partner
    partner = Partner.register(partner_id=new_id(), now=now_iso(), **command.model_dump())
    repository.add(partner, partner_registration_completed(partner, correlation_id))
    return partner
