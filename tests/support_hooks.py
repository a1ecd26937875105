"""Load functions/deploy_hooks/app.py under its own name (every function's module is called ``app``)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def deploy_hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "deploy_hooks_lambda", Path(__file__).resolve().parents[1] / "functions/deploy_hooks/app.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module
