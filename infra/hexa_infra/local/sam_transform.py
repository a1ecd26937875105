"""The template after the SAM transform, offline: what `sam deploy` would hand CloudFormation.

The local runtime reads each function's IAM role from it (``iam``); the template tests read the rest.
No AWS call: the managed-policy lookup SAM would make is answered with nothing (policies are kept by name).
"""

from __future__ import annotations

import copy
import functools
import logging
import os
from pathlib import Path
from typing import Any

from .cfn_yaml import load_yaml
from .errors import TemplateError


def transformed(path: Path) -> dict[str, Any]:
    """CloudFormation (every resource, conditions kept): a fresh copy the caller may change."""
    return copy.deepcopy(_transformed(Path(path).resolve(), os.path.getmtime(path)))


@functools.lru_cache(maxsize=4)
def _transformed(path: Path, _mtime: float) -> dict[str, Any]:
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.public.translator import ManagedPolicyLoader
    from samtranslator.translator.transform import transform

    template = load_yaml(path)
    for resource in template["Resources"].values():  # local CodeUri/ContentUri → s3:// as `sam package` would
        for key in ("CodeUri", "ContentUri"):
            if isinstance(resource.get("Properties", {}).get(key), str):
                resource["Properties"][key] = (
                    f"s3://hexa-artifacts/{resource['Properties'][key].strip('/')}.zip"
                )

    class OfflinePolicies(ManagedPolicyLoader):
        def __init__(self) -> None:
            pass

        def load(self) -> dict:
            return {}

    # offline there is no feature-toggle config to read: SAM warns about it once per deployment preference
    logging.getLogger("samtranslator.feature_toggle").setLevel(logging.ERROR)
    previous = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    try:
        return transform(template, {}, OfflinePolicies())
    except InvalidDocumentException as invalid:  # what `sam deploy` would refuse, refused at start-up
        problems = "; ".join(str(cause) for cause in invalid.causes) or str(invalid)
        raise TemplateError(f"the SAM transform refuses {path.name}: {problems}") from None
    finally:
        if previous is None:
            os.environ.pop("AWS_DEFAULT_REGION")
        else:
            os.environ["AWS_DEFAULT_REGION"] = previous
