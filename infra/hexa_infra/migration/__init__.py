"""Moving the monolith's PostgreSQL data into the platform: analyze, backup, load, verify, restore.

The contexts' packages (``functions/<context>``) are made importable here, as Lambda's ``CodeUri``
does: the migration maps legacy rows to each context's own domain objects and writes them through each
context's own migration use cases and adapters.
"""
from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
CONTEXTS = ("partner_management", "onboarding", "campaign_management", "recruitment")

for _context in CONTEXTS:
    _path = str(REPO / "functions" / _context)
    if _path not in sys.path:
        sys.path.append(_path)
