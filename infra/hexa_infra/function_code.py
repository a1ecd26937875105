"""The functions' own packages (``functions/<folder>``), importable from the CLI as Lambda's ``CodeUri``
makes them: the migration writes through the contexts' code, the traffic commands share the facade's."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FOLDERS = (
    "partner_management",
    "onboarding",
    "campaign_management",
    "recruitment",
    "facade",
    "legacy_writer",
)


def use_function_packages() -> None:
    for folder in FOLDERS:
        path = str(REPO / "functions" / folder)
        if path not in sys.path:
            sys.path.append(path)
