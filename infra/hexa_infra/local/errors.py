"""The error every part of the local runtime raises about the template.

Its own module because the YAML loader, the intrinsic resolver, the template model, the
provisioner and the function loader all raise it, and none of them should import another
just for the exception. It is importable from ``hexa_infra.local.template`` as before.
"""

from __future__ import annotations

__all__ = ["TemplateError"]


class TemplateError(Exception):
    """The template asks for something the local runtime cannot (or must not) evaluate."""
