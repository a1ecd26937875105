"""Onboarding's partner events against the real store, with a read model that has not caught up yet
(issue 12 #4): the deactivation finds every contract drafted before it from the partner's own row."""

from __future__ import annotations

import os

from hexa_shared.clock import new_id
from hexa_shared.events.envelope import IntegrationEvent
from hexa_shared.idempotency import ProcessedEvents
from onboarding.adapters.event_store import DynamoEventStore
from onboarding.adapters.known_partners import DynamoKnownPartners
from onboarding.application.partner_events import draft_contract_for_new_partner, terminate_partner_contracts
from onboarding.domain.contract import Contract, ContractStatus


class LaggingReadModel:
    """The contracts read model as it is right after a draft: the projection has not seen it."""

    def list_for_partner(self, partner_id, status, limit, next_token):  # noqa: ANN001, ANN201
        return [], None


def _event(name: str, partner_id: str) -> IntegrationEvent:
    data = {"partner_id": partner_id}
    if name == "PartnerRegistrationCompleted":
        data["partner_data"] = {
            "name": "Lag",
            "email": "lag@x.example",
            "partner_type": "AGENCY",
            "country": "ES",
        }
    return IntegrationEvent(
        name=name, source="hexabuilders.partner-management", correlation_id="lag", data=data
    )


def test_a_deactivation_right_after_the_draft_terminates_it_though_the_read_model_lags(cloud) -> None:  # noqa: ANN001
    ledger = ProcessedEvents(os.environ["IDEMPOTENCY_TABLE"], "it.partner-event-order")
    store = DynamoEventStore(
        os.environ["CONTRACT_EVENTS_TABLE"], os.environ["ONBOARDING_PARTNERS_TABLE"], processed=ledger
    )
    partners = DynamoKnownPartners(os.environ["ONBOARDING_PARTNERS_TABLE"])
    partner_id = new_id()

    registration = _event("PartnerRegistrationCompleted", partner_id)
    contract_id = draft_contract_for_new_partner(registration, store, partners, ledger)
    terminated = terminate_partner_contracts(
        _event("PartnerDeactivated", partner_id), store, LaggingReadModel(), partners, ledger
    )

    assert contract_id is not None and terminated == [contract_id]
    assert Contract.from_history(store.load(contract_id)).status is ContractStatus.TERMINATED
    assert draft_contract_for_new_partner(registration, store, partners, ledger) is None  # a redelivery
    republished = _event("PartnerRegistrationCompleted", partner_id)  # the same fact under a new event id
    assert (
        draft_contract_for_new_partner(republished, store, partners, ledger) is None
    )  # deactivated: no draft
    assert partners.get(partner_id).contract_ids == {contract_id}
