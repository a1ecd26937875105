"""The hexagon's rule, checked on the code: each context's domain/ and application/ import no
infrastructure (no AWS SDK, no pynamodb, no HTTP or database client, none of the shared adapters), and
the domain imports no use case. Ports speak the domain's language; adapters are wired in bootstrap.py."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTEXTS = ("partner_management", "onboarding", "campaign_management", "recruitment")
INFRASTRUCTURE = (
    "boto3",
    "botocore",
    "pynamodb",
    "requests",
    "opensearchpy",
    "psycopg",
    "chalice",
    "aws_xray_sdk",
    "hexa_shared.aws",
    "hexa_shared.dynamo",
    "hexa_shared.idempotency",
    "hexa_shared.outbox",
    "hexa_shared.events.publisher",
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(context: str, layer: str) -> list[Path]:
    return sorted((ROOT / "functions" / context / context / layer).glob("*.py"))


@pytest.mark.parametrize("context", CONTEXTS)
def test_the_core_imports_no_infrastructure(context: str) -> None:
    offenders = {
        f"{path.relative_to(ROOT)}: {name}"
        for layer in ("domain", "application")
        for path in _modules(context, layer)
        for name in _imports(path)
        if any(name == banned or name.startswith(banned + ".") for banned in INFRASTRUCTURE)
        or name.startswith(f"{context}.adapters")
    }
    assert not offenders, sorted(offenders)
    assert _modules(context, "domain") and _modules(context, "application")  # the layers are where we look


@pytest.mark.parametrize("context", CONTEXTS)
def test_the_domain_imports_no_use_case(context: str) -> None:
    offenders = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in _modules(context, "domain")
        for name in _imports(path)
        if name.startswith(f"{context}.application")
    }
    assert not offenders, sorted(offenders)
