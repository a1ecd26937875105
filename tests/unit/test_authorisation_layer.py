"""Authorisation lives in one layer for all four contexts: the use cases (application/), never the handlers.

A handler passes the request's principal on; the use case decides before it reads or writes anything
(tests/unit/test_partner_use_cases.py and test_contract_use_cases.py show it on the fakes).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTEXTS = ("partner_management", "onboarding", "campaign_management", "recruitment")
DECISIONS = {"require_role", "require_partner", "can_see_partner", "scoped_list", "is_admin"}


def _decisions_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = [
        f"{path.name}:{node.lineno} {node.func.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in DECISIONS
    ]
    found += [
        f"{path.name}:{node.lineno} {node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "is_admin"
    ]
    return found


@pytest.mark.parametrize("context", CONTEXTS)
def test_no_handler_decides_who_may_do_what(context: str) -> None:
    assert _decisions_in(ROOT / "functions" / context / "app.py") == []


@pytest.mark.parametrize("context", CONTEXTS)
def test_every_context_decides_in_its_use_cases(context: str) -> None:
    application = ROOT / "functions" / context / context / "application"
    assert [d for module in application.glob("*.py") for d in _decisions_in(module)]
