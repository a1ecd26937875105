"""Only Recruitment's functions see the search engine (issue 13 #7): the others neither read
SEARCH_* nor wait for the search domain to be created."""

from __future__ import annotations

import re
from pathlib import Path

from sam_template import load_template

ROOT = Path(__file__).resolve().parents[2]


def test_search_settings_reach_recruitment_only() -> None:
    template = load_template()
    assert not [
        v for v in template["Globals"]["Function"]["Environment"]["Variables"] if v.startswith("SEARCH_")
    ]
    for lid, r in template["Resources"].items():
        if r["Type"] != "AWS::Serverless::Function":
            continue
        variables = (r["Properties"].get("Environment") or {}).get("Variables") or {}
        has_search = any(v.startswith("SEARCH_") for v in variables)
        assert has_search == (r["Properties"]["CodeUri"] == "functions/recruitment/"), lid


def test_no_code_outside_recruitment_reads_search_settings() -> None:
    for source in (ROOT / "functions").rglob("*.py"):
        if "recruitment" not in source.parts and re.search(
            r"SEARCH_(ENDPOINT|INDEX_PREFIX|REFRESH)", source.read_text()
        ):
            raise AssertionError(f"{source} reads a search setting only Recruitment's functions get")
