"""Data that survives the stack: deleting it, or a change that replaces a resource, keeps every table,
the signing key and the search domain (issue 13 #2); and a function the template grants too little
fails in AWS, never in the emulator, so the grants its code needs are checked here (#1, so far by hand)."""

from __future__ import annotations

from sam_template import load_template

KEPT_TYPES = ("AWS::DynamoDB::Table", "AWS::OpenSearchService::Domain")


def test_every_table_the_key_and_the_search_domain_outlive_the_stack() -> None:
    resources = load_template()["Resources"]
    kept = {lid for lid, r in resources.items() if r["Type"] in KEPT_TYPES} | {"JwtSigningKey"}
    assert len(kept) == 18
    for lid in kept:
        assert (resources[lid].get("DeletionPolicy"), resources[lid].get("UpdateReplacePolicy")) == (
            "Retain",
            "Retain",
        ), lid


def test_every_table_has_deletion_protection_and_point_in_time_recovery() -> None:
    for lid, r in load_template()["Resources"].items():
        if r["Type"] == "AWS::DynamoDB::Table":
            props = r["Properties"]
            assert props.get("DeletionProtectionEnabled") is True, lid
            assert props.get("PointInTimeRecoverySpecification") == {"PointInTimeRecoveryEnabled": True}, lid


def test_the_legacy_dsn_secret_goes_with_coexistence() -> None:
    secret = load_template()["Resources"]["LegacyDatabaseSecret"]
    assert "DeletionPolicy" not in secret and secret["Condition"] == "Coexisting"


def test_the_contract_projector_may_read_the_event_store_its_gap_recovery_reads() -> None:
    policies = load_template()["Resources"]["ContractProjectorFunction"]["Properties"]["Policies"]
    reads = [p for p in policies if isinstance(p, dict) and "DynamoDBReadPolicy" in p]
    assert {"Ref": "ContractEventsTable"} in [p["DynamoDBReadPolicy"]["TableName"] for p in reads]


def test_two_stacks_in_one_account_get_two_buses() -> None:
    """Issue 13 #4: the bus is named after the stack unless a name is given."""
    from hexa_infra.local.template import Template

    from sam_template import TEMPLATE

    def bus(stack: str, **parameters: str) -> str:
        template = Template(
            TEMPLATE, stack_name=stack, parameter_overrides={"SearchEndpoint": "sqlite:///x", **parameters}
        )
        return template.resolve(template.properties("EventBus")["Name"], {}, where="EventBus.Name")

    assert (bus("blue-team"), bus("green-team")) == ("blue-team-bus", "green-team-bus")
    assert bus("blue-team", EventBusName="shared-bus") == "shared-bus"


def test_the_rebuild_functions_never_run_beside_themselves() -> None:
    """Issue 13 #10 (part): two rebuilds at once would swap aliases or refold the read model twice."""
    resources = load_template()["Resources"]
    for lid in ("OnboardingProjectionRebuildFunction", "SearchIndexRebuildFunction"):
        assert resources[lid]["Properties"]["ReservedConcurrentExecutions"] == 1
