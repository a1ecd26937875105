"""Integration events Partner Management publishes (DESIGN.md §3)."""

from __future__ import annotations

from hexa_shared.events.envelope import IntegrationEvent
from partner_management.domain.partner import Partner

SOURCE = "hexabuilders.partner-management"


def partner_registration_completed(partner: Partner, correlation_id: str) -> IntegrationEvent:
    return IntegrationEvent(
        name="PartnerRegistrationCompleted",
        source=SOURCE,
        correlation_id=correlation_id,
        occurred_at=partner.created_at,
        data={
            "partner_id": partner.partner_id,
            "partner_data": {
                "name": partner.name,
                "email": partner.email,
                "partner_type": partner.partner_type.value,
                "country": partner.country,
            },
        },
    )


def partner_deactivated(partner: Partner, correlation_id: str) -> IntegrationEvent:
    return IntegrationEvent(
        name="PartnerDeactivated",
        source=SOURCE,
        correlation_id=correlation_id,
        occurred_at=partner.updated_at,
        data={"partner_id": partner.partner_id},
    )
