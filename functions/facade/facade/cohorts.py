"""Which side serves a request: sticky per partner, weighted per request when there is no partner.

A partner hashes to a point in [0, 100) (the first 8 bytes of the SHA-256 of its id, scaled): it is
served by green iff its point is below the green percentage. Raising the percentage therefore only
moves partners blue → green — a partner never flips back while the percentage grows — and all of a
partner's requests go to one side. The partner is read from the path (``/partners/{id}…``,
``/permissions/{id}``), else the body's ``partner_id``, else a partner token's ``partner_id`` claim.
Recruitment did not exist in the monolith: its routes are always green.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Callable, Mapping

BLUE, GREEN = "blue", "green"
ALWAYS_GREEN = ("/candidates", "/jobs", "/openapi", "/_dashboard")  # the dashboard: the local runtime's page
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_PARTNER_PATH = re.compile(r"^/(?:partners|permissions)/([0-9a-f-]{36})(?:/|$)")


def point(partner_id: str) -> float:
    """The partner's place in [0, 100), stable across processes, machines and releases."""
    digest = hashlib.sha256(partner_id.encode()).digest()[:8]
    return int.from_bytes(digest, "big") / 2**64 * 100


@dataclass(frozen=True)
class Route:
    side: str
    partner_id: str | None  # None: no partner in the request, weighted per request
    reason: str


def partner_of(path: str, body: bytes | None, headers: Mapping[str, str]) -> str | None:
    match = _PARTNER_PATH.match(path)
    if match and _UUID.fullmatch(match[1]):
        return match[1]
    if body and body.lstrip()[:1] == b"{" and len(body) <= 64 * 1024:
        try:
            value = json.loads(body).get("partner_id")
        except (ValueError, AttributeError):
            value = None
        if isinstance(value, str) and _UUID.fullmatch(value):
            return value
    return _token_partner(headers.get("authorization") or headers.get("Authorization") or "")


def _token_partner(authorization: str) -> str | None:
    """The partner claim of a bearer token, read (not verified: each side verifies it) to pick a side."""
    token = authorization.partition(" ")[2].strip()
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, TypeError):
        return None
    value = claims.get("partner_id") if isinstance(claims, dict) and claims.get("role") == "partner" else None
    return value if isinstance(value, str) and _UUID.fullmatch(value) else None


def route(
    path: str, body: bytes | None, headers: Mapping[str, str], green_percent: float, coin: Callable[[], float]
) -> Route:
    """``coin()`` is uniform in [0, 100): the per-request draw when there is no partner."""
    if path.startswith(ALWAYS_GREEN):
        return Route(GREEN, None, "recruitment is green only")
    partner = partner_of(path, body, headers)
    if partner is not None:
        return Route(GREEN if point(partner) < green_percent else BLUE, partner, "partner cohort")
    return Route(GREEN if coin() < green_percent else BLUE, None, "no partner: weighted per request")
