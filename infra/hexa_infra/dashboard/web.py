"""``/_dashboard`` on the local gateway: the page and its files (public: they hold no data) and
``/_dashboard/data`` (admin token only; 401/403 JSON otherwise), the collector's latest snapshot.

The page signs in with an admin token typed in, or from ``/_dashboard#token=<JWT>`` (a fragment
never reaches a server, so never a log); the token stays in the tab's sessionStorage.
"""

from __future__ import annotations

import json
import mimetypes
from importlib import resources
from typing import Any, Callable

from hexa_shared.auth import TokenVerifier
from hexa_shared.errors import Unauthorized

from .collector import Collector

PREFIX = "/_dashboard"
Answer = tuple[int, list[tuple[str, str]], bytes]
SECURITY = [
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    (
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "connect-src 'self'; frame-ancestors 'none'",
    ),
]


def _json(status: int, body: Any) -> Answer:
    return status, [("Content-Type", "application/json"), *SECURITY], json.dumps(body, default=str).encode()


def _error(status: int, code: str, message: str) -> Answer:
    return _json(status, {"error": {"code": code, "message": message, "details": []}})


class DashboardRoutes:
    def __init__(self, collector: Collector, verifier: TokenVerifier) -> None:
        self.collector, self.verifier = collector, verifier
        self._static = resources.files("hexa_infra.dashboard").joinpath("static")

    def __call__(self, method: str, path: str, headers: Callable[[str], str | None]) -> Answer:
        if method not in ("GET", "HEAD"):
            return _error(405, "method_not_allowed", f"{method} is not allowed on {path} (allowed: GET)")
        if path in (PREFIX, PREFIX + "/"):
            return self._file("index.html")
        if path == PREFIX + "/data":
            try:
                principal = self.verifier.principal(headers("Authorization"))
            except Unauthorized as error:
                return _error(401, "unauthorized", str(error))
            if not principal.is_admin:
                return _error(403, "forbidden", "the dashboard is for admin tokens")
            return _json(200, self.collector.snapshot())
        if path.startswith(PREFIX + "/static/"):
            return self._file(path.removeprefix(PREFIX + "/static/"))
        return _error(404, "route_not_found", f"No route for {method} {path}")

    def _file(self, name: str) -> Answer:
        parts = [p for p in name.split("/") if p]
        if not parts or any(p in (".", "..") or p.startswith(".") for p in parts):
            return _error(404, "route_not_found", "no such file")
        node = self._static
        for part in parts:
            node = node.joinpath(part)
        if not node.is_file():
            return _error(404, "route_not_found", "no such file")
        kind = mimetypes.guess_type(parts[-1])[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript",):
            kind += "; charset=utf-8"
        return 200, [("Content-Type", kind), *SECURITY], node.read_bytes()


def attach(cloud: Any, template: Any, resources: Any, clients: Any, gateway: Any) -> Collector | None:
    """Serve ``/_dashboard`` on ``gateway`` (admin tokens only for its data), fed by a new
    :class:`Collector`; None (nothing served) when the template has no JwtSigningKey to verify with."""
    import logging

    if "JwtSigningKey" not in resources:
        logging.getLogger("hexa.dashboard").info(
            "no JwtSigningKey in the template: /_dashboard is not served"
        )
        return None
    key = clients("secretsmanager").get_secret_value(SecretId=resources["JwtSigningKey"].ref)["SecretString"]
    verifier = TokenVerifier(
        lambda: key,
        str(template.parameters.get("JwtIssuer", "hexabuilders")),
        str(template.parameters.get("JwtAudience", "hexabuilders-api")),
    )
    collector = Collector(cloud).start()
    gateway.extras[PREFIX.strip("/")] = DashboardRoutes(collector, verifier)
    return collector
