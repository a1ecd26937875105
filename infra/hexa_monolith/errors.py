"""The platform's error body, spoken by the monolith too: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify


class ApiError(Exception):
    status, code = 500, "internal_error"

    def __init__(self, message: str, details: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.message, self.details = message, details or []

    def response(self) -> tuple[Response, int]:
        body: dict[str, Any] = {
            "error": {
                "code": self.code,
                "message": self.message,
                "details": [{"field": f, "issue": i} for f, i in self.details],
            }
        }
        return jsonify(body), self.status


class Malformed(ApiError):
    status, code = 400, "malformed_request"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class Conflict(ApiError):
    status, code = 409, "conflict"


class IllegalTransition(Conflict):
    code = "illegal_transition"


class PreconditionFailed(ApiError):
    status, code = 412, "precondition_failed"


class Invalid(ApiError):
    status, code = 422, "validation_failed"


def invalid(field: str, issue: str) -> Invalid:
    return Invalid(f"{field}: {issue}", [(field, issue)])
