"""Grants, after the SAM transform, that the code must never be given (the local runtime enforces the rest:
every AWS call a function makes is checked against its role — tests/runtime/test_iam_enforced.py)."""

from __future__ import annotations

import fnmatch

from sam_template import transformed

REWRITES = ("dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:PutItem")


def _statements_on(table: str) -> list[tuple[str, list[str]]]:
    found = []
    resources = transformed()["Resources"]
    for role_id, role in ((k, v) for k, v in resources.items() if v["Type"] == "AWS::IAM::Role"):
        for policy in role["Properties"].get("Policies", []):
            statements = policy["PolicyDocument"]["Statement"]
            for statement in statements if isinstance(statements, list) else [statements]:
                if table in repr(statement.get("Resource")):
                    actions = (
                        statement["Action"]
                        if isinstance(statement["Action"], list)
                        else [statement["Action"]]
                    )
                    found.append((role_id, actions))
    return found


def _grants(actions: list[str], action: str) -> bool:
    return any(fnmatch.fnmatchcase(action.lower(), pattern.lower()) for pattern in actions)


def test_the_contract_event_store_is_append_only_for_every_role() -> None:
    statements = _statements_on("ContractEventsTable")
    writers = {role for role, actions in statements if _grants(actions, "dynamodb:PutItem")}
    assert writers == {"OnboardingApiFunctionRole", "OnboardingPartnerEventsFunctionRole"}
    for role, actions in statements:
        assert not [a for a in REWRITES[:3] if _grants(actions, a)], f"{role} may rewrite history: {actions}"


def test_no_function_role_grants_a_wildcard_action_on_a_table() -> None:
    for table in (
        "PartnersTable",
        "ContractEventsTable",
        "ContractsTable",
        "CampaignsTable",
        "CommissionLedgerTable",
    ):
        for role, actions in _statements_on(table):
            assert not [a for a in actions if a in ("*", "dynamodb:*")], f"{role} has {actions} on {table}"
