"""The monolith's Flask app: every route needs a bearer token but /health; every failure is JSON."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException

from .auth import Verifier
from .campaigns import campaigns
from .contracts import contracts
from .db import Database
from .errors import ApiError
from .partners import partners
from .profile import profile

CODES = {
    400: "malformed_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def create_app(
    dsn: str, secret: str, issuer: str = "hexabuilders", audience: str = "hexabuilders-api"
) -> Flask:
    app = Flask("hexa_monolith")
    app.db = Database(dsn)  # type: ignore[attr-defined]
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    verifier = Verifier(secret, issuer, audience)

    @app.before_request
    def authenticate() -> None:
        if request.path != "/health":
            g.caller = verifier.caller(request.headers.get("Authorization"))

    @app.after_request
    def served_by(response: Any) -> Any:
        response.headers["X-Served-By"] = "blue"
        return response

    @app.get("/health")
    def health() -> dict[str, str]:
        with app.db.transaction() as conn:  # type: ignore[attr-defined]
            conn.execute("SELECT 1")
        return {"status": "ok", "service": "monolith"}

    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> Any:
        return error.response()

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        code = CODES.get(error.code or 500, "internal_error")
        return jsonify({"error": {"code": code, "message": error.description, "details": []}}), error.code

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:
        app.logger.exception("unhandled error")
        return jsonify(
            {"error": {"code": "internal_error", "message": "an internal error occurred", "details": []}}
        ), 500

    for blueprint in (partners, contracts, campaigns, profile):
        app.register_blueprint(blueprint)
    return app
