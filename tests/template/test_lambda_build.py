"""How the Lambda artifacts are built: one Makefile, for the newer runtime, from hash-locked requirements
only.

`make package` runs the build itself and `hexa package verify` (tests/package runs the import check too);
these tests hold the template and the locks to the rules that build relies on.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from sam_template import TEMPLATE, load_template

ROOT = TEMPLATE.parent
BUILD = "infra/lambda_build"
RUNTIME = "python3.13"  # supported to 2029-06-30 (python3.11: 2026-06-30)
# what no artifact may carry: the runtime's own SDK (a copy would shadow it), chalice's CLI, pip, gRPC
NEVER_SHIPPED = {
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "python-dateutil",
    "six",
    "click",
    "pip",
    "setuptools",
    "wheel",
    "pyyaml",
    "inquirer",
    "grpcio",
    "protobuf",
    "opensearch-protobufs",
}
LOCK_LINE = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)")


def _resources(kind: str) -> dict[str, dict]:
    return {lid: r for lid, r in load_template()["Resources"].items() if r["Type"] == kind}


def _pins(lock: Path) -> dict[str, str]:
    return {
        canonicalize_name(m[1]): m[2]
        for line in lock.read_text().splitlines()
        if (m := LOCK_LINE.match(line))
    }


def _requirements(path: Path) -> list[Requirement]:
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    return [Requirement(line) for line in lines if line]


REQUIREMENTS = sorted(
    [ROOT / "shared" / "requirements.txt", *(ROOT / "functions").glob("*/requirements.txt")]
)


def test_every_function_and_layer_is_built_by_the_one_makefile_for_the_newer_runtime() -> None:
    template = load_template()
    assert template["Globals"]["Function"]["Runtime"] == RUNTIME
    functions = _resources("AWS::Serverless::Function")
    assert all("Runtime" not in f["Properties"] for f in functions.values()), (
        "one runtime for all, in Globals"
    )
    for logical_id, resource in {**functions, **_resources("AWS::Serverless::LayerVersion")}.items():
        assert resource.get("Metadata", {}).get("BuildMethod") == "makefile", logical_id
        assert resource["Metadata"].get("ContextPath") == BUILD, logical_id
    (layer,) = _resources("AWS::Serverless::LayerVersion").values()
    assert layer["Properties"]["CompatibleRuntimes"] == [RUNTIME]
    makefile = (ROOT / BUILD / "Makefile").read_text()
    assert "build-SharedLayer:" in makefile and "build-%:" in makefile


@pytest.mark.parametrize("requirements", REQUIREMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_requirement_is_pinned_with_hashes_in_its_lock(requirements: Path) -> None:
    lock = requirements.with_suffix(".lock")
    assert lock.is_file(), f"{lock.relative_to(ROOT)} is missing: run `make lock`"
    pins = _pins(lock)
    for requirement in _requirements(requirements):
        name = canonicalize_name(requirement.name)
        if name in NEVER_SHIPPED:
            continue
        assert name in pins, f"{requirement} is in {requirements.name} but not pinned: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{name}=={pins[name]} no longer satisfies {requirement}: run `make lock`"
        )
    entries = re.split(r"\n(?=\S)", lock.read_text().strip())
    for entry in (e for e in entries if LOCK_LINE.match(e)):
        assert "--hash=sha256:" in entry, f"no hash for {entry.splitlines()[0]}"


@pytest.mark.parametrize("requirements", REQUIREMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_lock_ships_what_the_runtime_or_the_layer_already_has(requirements: Path) -> None:
    pins = _pins(requirements.with_suffix(".lock"))
    assert not set(pins) & NEVER_SHIPPED
    if requirements.parent.name != "shared":
        layer = _pins(ROOT / "shared" / "requirements.lock")
        assert not set(pins) & set(layer), "a function's copy would shadow the layer's version"


def test_the_runtime_sdk_floor_of_the_import_check_is_the_one_the_code_declares() -> None:
    declared = next(Requirement(d) for d in _pyproject_dependencies() if d.startswith("boto3"))
    floor = _requirements(ROOT / BUILD / "lambda-runtime-sdk.txt")[0]
    lowest = min(s.version for s in floor.specifier if s.operator == ">=")
    assert declared.specifier.contains(lowest), (
        f"the import check's boto3 {floor} is below pyproject's {declared}"
    )


def _pyproject_dependencies() -> list[str]:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
