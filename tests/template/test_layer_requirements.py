"""What the Lambda code imports is what the deployment installs (the venv hides a missing one)."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OURS = {
    "hexa_shared",
    "app",
    "partner_management",
    "onboarding",
    "campaign_management",
    "recruitment",
    "facade",
    "legacy_writer",
}
LAMBDA_RUNTIME = {"boto3", "botocore"}  # the python3.13 runtime ships them


def _imports(folder: Path) -> set[str]:
    names: set[str] = set()
    for source in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - OURS - LAMBDA_RUNTIME - {"__future__"}


def _requirements(path: Path) -> set[str]:
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()] if path.exists() else []
    return {re.split(r"[<>=!~\[ ]", line)[0].lower().replace("_", "-") for line in lines if line}


def _distributions(modules: set[str]) -> set[str]:
    owners = packages_distributions()
    return {owners.get(module, [module])[0].lower().replace("_", "-") for module in modules}


def test_every_import_of_the_lambda_code_is_installed_by_its_layer_or_function() -> None:
    layer = _requirements(ROOT / "shared" / "requirements.txt")
    assert not _distributions(_imports(ROOT / "shared" / "hexa_shared")) - layer
    for function in sorted((ROOT / "functions").iterdir()):
        needed = _distributions(_imports(function))
        missing = needed - layer - _requirements(function / "requirements.txt")
        assert not missing, f"{function.name} imports {sorted(missing)}, which no requirements.txt installs"
