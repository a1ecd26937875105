"""Finding a given Python (PATH, then pyenv's versions) the way the Makefile's precompile step does."""

from __future__ import annotations

import subprocess
from pathlib import Path

FIND_PYTHON = Path(__file__).resolve().parents[2] / "lambda_build" / "find_python.sh"


def find_python(version: str) -> str | None:
    found = subprocess.run([str(FIND_PYTHON), version], capture_output=True, text=True).stdout.strip()
    return found or None
