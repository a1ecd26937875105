"""The one error vocabulary of the platform (pure Python: domain code may raise these).

Each error knows its HTTP status and a stable machine-readable ``code``; the HTTP adapter
(:mod:`hexa_shared.http.responses`) renders them as DESIGN.md §2's JSON error body.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldIssue:
    """One problem with one input field (``field`` is a dotted path, e.g. ``terms.fee``)."""

    field: str
    issue: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "issue": self.issue}


class HexaError(Exception):
    """Base of every error that maps to a client-facing HTTP answer."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str, details: list[FieldIssue] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details or [])


class MalformedRequest(HexaError):
    status, code = 400, "malformed_request"


class Unauthorized(HexaError):
    status, code = 401, "unauthorized"


class Forbidden(HexaError):
    status, code = 403, "forbidden"


class NotFound(HexaError):
    status, code = 404, "not_found"


class Conflict(HexaError):
    status, code = 409, "conflict"


class PreconditionFailed(HexaError):
    status, code = 412, "precondition_failed"


class InvalidInput(HexaError):
    status, code = 422, "validation_failed"


def invalid(field: str, issue: str) -> InvalidInput:
    """Shorthand for a single-field validation error."""
    return InvalidInput(f"{field}: {issue}", [FieldIssue(field, issue)])
