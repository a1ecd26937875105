"""The template after the SAM transform, offline (as `sam deploy` would send it to CloudFormation)."""
from __future__ import annotations

import copy
import functools
import os
from pathlib import Path

from hexa_infra.local.template import load_yaml

TEMPLATE = Path(__file__).resolve().parents[1] / "template.yaml"


def load_template(path: Path = TEMPLATE) -> dict:
    return load_yaml(path)


@functools.lru_cache(maxsize=4)
def _transformed(path: Path) -> dict:
    from samtranslator.public.translator import ManagedPolicyLoader
    from samtranslator.translator.transform import transform

    template = copy.deepcopy(load_template(path))
    for resource in template["Resources"].values():  # local CodeUri/ContentUri → s3:// as `sam package` would
        for key in ("CodeUri", "ContentUri"):
            if key in resource.get("Properties", {}):
                resource["Properties"][key] = f"s3://hexa-artifacts/{resource['Properties'][key].strip('/')}.zip"

    class OfflinePolicies(ManagedPolicyLoader):
        def __init__(self) -> None:
            pass

        def load(self) -> dict:
            return {}

    previous = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    try:
        return transform(template, {}, OfflinePolicies())
    finally:
        if previous is None:
            os.environ.pop("AWS_DEFAULT_REGION")
        else:
            os.environ["AWS_DEFAULT_REGION"] = previous


def transformed(path: Path = TEMPLATE) -> dict:
    """CloudFormation (every resource, conditions kept) — a fresh copy the caller may change."""
    return copy.deepcopy(_transformed(path))
