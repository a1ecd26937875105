"""The template after the SAM transform, offline (as `sam deploy` would send it to CloudFormation)."""

from __future__ import annotations

from pathlib import Path

from hexa_infra.local.sam_transform import transformed as sam_transformed
from hexa_infra.local.template import load_yaml

TEMPLATE = Path(__file__).resolve().parents[1] / "template.yaml"


def load_template(path: Path = TEMPLATE) -> dict:
    return load_yaml(path)


def transformed(path: Path = TEMPLATE) -> dict:
    """CloudFormation (every resource, conditions kept) — a fresh copy the caller may change."""
    return sam_transformed(path)
