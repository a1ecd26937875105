"""Load one function's ``app.py`` under a name of its own (every function's module is called ``app``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

FUNCTIONS = Path(__file__).resolve().parents[1] / "functions"


def lambda_module(folder: str) -> ModuleType:
    """``functions/<folder>/app.py`` as module ``<folder>_lambda`` (a fresh copy on each call)."""
    spec = importlib.util.spec_from_file_location(f"{folder}_lambda", FUNCTIONS / folder / "app.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module
