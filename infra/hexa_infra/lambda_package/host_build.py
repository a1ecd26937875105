"""The template's layers and functions built for this machine, by the same Makefile `sam build` runs.

Only the platform differs from the deployed build (this host's wheels instead of arm64's), so what imports
here imports there; the versions and files come from the same hash-checked locks.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .sources import FunctionSource, LayerSource

MAKEFILE = Path(__file__).resolve().parents[2] / "lambda_build" / "Makefile"


class BuildFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class HostBuild:
    layers: tuple[Path, ...]  # each layer's python/ folder, in template order
    functions: dict[str, Path]  # logical id -> its built code folder


def build_for_host(
    functions: list[FunctionSource],
    layers: list[LayerSource],
    *,
    python: str,
    version: str,
    into: Path,
    precompile: bool = True,
    progress: Callable[[str], None] = lambda _: None,
) -> HostBuild:
    """Builds every layer and every distinct code folder once (functions sharing a CodeUri share the
    build)."""
    built_layers = []
    for layer in layers:
        progress(layer.logical_id)
        target = into / "layers" / layer.logical_id
        _make(f"build-{layer.logical_id}", layer.content_dir, target, python, version, precompile)
        built_layers.append(target / "python")
    by_folder: dict[Path, Path] = {}
    built: dict[str, Path] = {}
    for function in functions:
        if function.code_dir not in by_folder:
            progress(function.logical_id)
            target = into / "functions" / function.code_dir.name
            _make(f"build-{function.logical_id}", function.code_dir, target, python, version, precompile)
            by_folder[function.code_dir] = target
        built[function.logical_id] = by_folder[function.code_dir]
    return HostBuild(tuple(built_layers), built)


def _make(target: str, source: Path, artifacts: Path, python: str, version: str, precompile: bool) -> None:
    artifacts.mkdir(parents=True, exist_ok=True)
    command = [
        "make",
        "--no-print-directory",
        "-s",
        "-f",
        str(MAKEFILE),
        target,
        f"ARTIFACTS_DIR={artifacts}",
        "LAMBDA_PLATFORM=host",
        f"LAMBDA_PYTHON={version}",
        f"PYTHON={python}",
        f"PRECOMPILER={python if precompile else ''}",
    ]
    result = subprocess.run(
        command,
        cwd=source,
        capture_output=True,
        text=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    if result.returncode != 0:
        raise BuildFailed(f"{target} failed in {source}:\n{result.stdout}{result.stderr}")
