"""`hexa package verify`'s look at `sam build`'s output: what must be there, what must not, for which CPU."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from hexa_infra.lambda_package.artifact import inspect

TEMPLATE = """
Resources:
  SharedLayer:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: SharedLayer}
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: ApiFunction, Handler: app.app, Runtime: python3.13}
"""


def _elf(machine: int) -> bytes:
    header = bytearray(64)
    header[:6] = b"\x7fELF\x02\x01"  # 64-bit, little-endian
    header[18:20] = machine.to_bytes(2, "little")
    return bytes(header)


@pytest.fixture
def build(tmp_path: Path) -> Path:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    layer = tmp_path / "SharedLayer" / "python"
    (layer / "pydantic_core").mkdir(parents=True)
    (layer / "pydantic_core" / "_pydantic_core.cpython-313-aarch64-linux-gnu.so").write_bytes(_elf(0xB7))
    (layer / "pydantic_core" / "__pycache__").mkdir()
    (layer / "pydantic_core" / "__pycache__" / "__init__.cpython-313.pyc").write_bytes(b"pyc")
    (tmp_path / "ApiFunction").mkdir()
    (tmp_path / "ApiFunction" / "app.py").write_text("app = object()\n")
    return tmp_path


def test_a_sound_build_has_no_problem_and_counts_its_precompiled_modules(build: Path) -> None:
    report = inspect(build, python_version="3.13")
    assert report.problems == []
    assert report.pyc == {"SharedLayer": 1, "ApiFunction": 0}
    assert report.sizes["SharedLayer"] > 64


def test_a_copy_of_the_runtime_sdk_or_of_pip_in_an_artifact_is_named(build: Path) -> None:
    (build / "SharedLayer" / "python" / "botocore").mkdir()
    (build / "ApiFunction" / "pip").mkdir()
    problems = inspect(build, python_version="3.13").problems
    assert any("SharedLayer: ships botocore" in p for p in problems)
    assert any("ApiFunction: ships pip" in p for p in problems)


def test_a_native_library_for_another_cpu_or_python_is_named(build: Path) -> None:
    this_host = Path(sys.executable).resolve()
    shutil.copy(this_host, build / "ApiFunction" / "helper.so")  # a real x86_64 (or host) ELF
    (build / "ApiFunction" / "fast.cpython-311-aarch64-linux-gnu.so").write_bytes(_elf(0xB7))
    problems = inspect(build, python_version="3.13").problems
    assert any("helper.so is built for ELF machine" in p for p in problems)
    assert any(
        "fast.cpython-311-aarch64-linux-gnu.so is an extension for another Python" in p for p in problems
    )


def test_a_handler_module_missing_from_its_artifact_is_named(build: Path) -> None:
    (build / "ApiFunction" / "app.py").unlink()
    assert inspect(build, python_version="3.13").problems == [
        "ApiFunction: handler module app is not in the artifact"
    ]
