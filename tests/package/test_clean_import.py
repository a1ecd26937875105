"""Every handler imported the way Lambda loads it, from artifacts the build Makefile made with the locks.

The real template is built for this machine's Python (the same Makefile and locks as `sam build`; only
the wheels' platform differs) and each of its functions imported in a fresh process that has only its
folder, the layer and the runtime's boto3 — the venv that runs the tests hides nothing here. A fixture
proves the check can fail: a function importing what only the developer's venv has.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hexa_infra.lambda_package.clean_import import CleanRuntime
from hexa_infra.lambda_package.host_build import build_for_host
from hexa_infra.lambda_package.sources import functions_of, layers_of

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "package" / "template.yaml"
VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> CleanRuntime:
    return CleanRuntime(sys.executable, tmp_path_factory.mktemp("runtime"))


def _build(template: Path, into: Path):  # noqa: ANN202
    return build_for_host(
        functions_of(template), layers_of(template), python=sys.executable, version=VERSION, into=into
    )


def test_every_function_of_the_template_imports_with_only_its_artifacts_and_the_runtime_sdk(
    runtime: CleanRuntime, tmp_path: Path
) -> None:
    template = ROOT / "template.yaml"
    build = _build(template, tmp_path)
    results = {f.logical_id: runtime.import_handler(f, build) for f in functions_of(template)}
    assert len(results) == 19
    failed = {fid: r.error for fid, r in results.items() if not r.ok}
    assert not failed
    assert not [fid for fid, r in results.items() if r.boto3_at_import], (
        "boto3 loads with the first client only"
    )
    layer = build.layers[0]
    assert (layer / "chalice" / "app.py").is_file() and not (layer / "chalice" / "cli").exists()
    assert not list(layer.glob("boto3*")) and not list(layer.glob("pip*")) and not list(layer.glob("yaml*"))


def test_a_module_only_the_developers_venv_has_fails_the_import_and_is_named(
    runtime: CleanRuntime, tmp_path: Path
) -> None:
    import yaml  # noqa: F401 - the premise: the test venv has it (the local runtime's), so an in-venv import passes

    build = _build(FIXTURE, tmp_path)
    by_id = {f.logical_id: f for f in functions_of(FIXTURE)}
    tidy = runtime.import_handler(by_id["TidyFunction"], build)
    forgetful = runtime.import_handler(by_id["ForgetfulFunction"], build)
    assert tidy.ok, tidy.error
    assert not forgetful.ok and "No module named 'yaml'" in forgetful.error


def test_a_variable_only_a_deployment_knows_is_a_placeholder_and_a_parameter_its_default() -> None:
    tidy = next(f for f in functions_of(FIXTURE) if f.logical_id == "TidyFunction")
    assert tidy.environment["LOG_LEVEL"] == "INFO"
    assert tidy.environment["TABLE_NAME"] == "import-check-placeholder"
