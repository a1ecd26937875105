"""The migration's composition root: each context's own adapters, bound to a running stack's tables.

The migration never writes a table itself: it hands mapped records to each context's migration use
cases (``<context>/application/migration.py``), which store them through that context's adapters, and
reads back through the same adapters to verify. Table names come from the stack (template + endpoint).
"""

from __future__ import annotations

import os
from typing import Any

from campaign_management.adapters.campaign_store import DynamoCampaignStore
from campaign_management.adapters.permission_store import DynamoPermissionStore
from onboarding.adapters.event_store import DynamoEventStore
from onboarding.adapters.known_partners import DynamoKnownPartners
from onboarding.adapters.read_model import DynamoContractReadModel
from partner_management.adapters.commission_ledger import DynamoCommissionLedger
from partner_management.adapters.dynamodb_partners import DynamoPartnerRepository


class Platform:
    """Every adapter the migration writes through or reads back from."""

    identity = ""  # the stack and this incarnation of its tables (a fresh emulator is another platform)

    def __init__(self, table: dict[str, str]) -> None:
        self.partners = DynamoPartnerRepository(
            table["PartnersTable"], table["PartnerEmailsTable"], table["PartnerOutboxTable"]
        )
        self.ledger = DynamoCommissionLedger(table["CommissionLedgerTable"])
        self.contract_events = DynamoEventStore(
            table["ContractEventsTable"], table["OnboardingPartnersTable"]
        )
        self.contracts = DynamoContractReadModel(table["ContractsTable"])
        self.known_partners = DynamoKnownPartners(table["OnboardingPartnersTable"])
        self.campaigns = DynamoCampaignStore(
            table["CampaignsTable"],
            table["PartnerBudgetsTable"],
            table["CampaignPerformanceTable"],
            table["CampaignOutboxTable"],
        )
        self.permissions = DynamoPermissionStore(table["CampaignPermissionsTable"])

    @classmethod
    def of(cls, stack: Any) -> "Platform":
        """The platform a :class:`~hexa_infra.stack.Stack` runs; points this process's AWS SDKs at it."""
        if stack.endpoint_url:
            os.environ["AWS_ENDPOINT_URL"] = stack.endpoint_url
        os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
        from hexa_shared import aws, dynamo

        aws.client.cache_clear()  # clients made before the endpoint was known must not be reused
        aws.bulk_client.cache_clear()
        dynamo.connection.cache_clear()
        tables = {
            lid: resource.ref for lid, resource in stack.resources.of_type("AWS::DynamoDB::Table").items()
        }
        platform = cls(tables)
        created = aws.client("dynamodb").describe_table(TableName=tables["PartnersTable"])["Table"][
            "CreationDateTime"
        ]
        platform.identity = f"{stack.template.stack_name}@{created.isoformat()}"
        return platform
