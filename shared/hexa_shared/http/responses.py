"""JSON responses, and DESIGN.md §2's error body: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from chalice import Response

from hexa_shared.errors import HexaError

JSON_HEADERS = {"Content-Type": "application/json"}


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Compact JSON; a non-finite number raises (a bug, answered as a 500) instead of writing ``NaN``."""
    return Response(
        body=json.dumps(body, default=_default, separators=(",", ":"), allow_nan=False),
        status_code=status,
        headers={**JSON_HEADERS, **(headers or {})},
    )


def error_body(code: str, message: str, details: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


def error_response(error: HexaError, headers: dict[str, str] | None = None) -> Response:
    return json_response(
        error_body(error.code, error.message, [d.to_dict() for d in error.details]), error.status, headers
    )


# Chalice answers some requests itself (unsupported media type, its own BadRequestError...)
# in its {"Code", "Message"} shape; these are the codes we translate them to.
CHALICE_CODES = {
    400: "malformed_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
}
