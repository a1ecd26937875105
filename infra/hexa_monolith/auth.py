"""The platform's tokens, verified by the monolith with the same key, issuer and audience."""

from __future__ import annotations

import re
from dataclasses import dataclass

import jwt

from .errors import Forbidden, NotFound, Unauthorized

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


@dataclass(frozen=True)
class Caller:
    role: str
    partner_id: str | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def require_admin(self) -> None:
        if not self.is_admin:
            raise Forbidden(f"role '{self.role}' may not do this (needs admin)")

    def require_partner(self, partner_id: str, what: str) -> None:
        if not self.is_admin and self.partner_id != partner_id:
            raise NotFound(f"{what} not found")

    def scope(self, requested: str | None) -> str | None:
        """The partner a list is for: an admin's choice (or all), a partner's own (else nothing)."""
        if self.is_admin:
            return requested
        return (
            self.partner_id
            if requested in (None, self.partner_id)
            else "00000000-0000-0000-0000-000000000000"
        )


class Verifier:
    def __init__(self, secret: str, issuer: str, audience: str) -> None:
        self.secret, self.issuer, self.audience = secret, issuer, audience

    def caller(self, authorization: str | None) -> Caller:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("missing bearer token")
        try:
            claims = jwt.decode(
                token.strip(),
                self.secret,
                algorithms=["HS256"],
                issuer=self.issuer,
                audience=self.audience,
                leeway=30,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
        except jwt.InvalidTokenError as error:
            raise Unauthorized(f"invalid token: {error}") from None
        role, partner_id = claims.get("role"), claims.get("partner_id")
        if role == "admin" and partner_id is None:
            return Caller("admin", None)
        if role == "partner" and isinstance(partner_id, str) and UUID.fullmatch(partner_id):
            return Caller("partner", partner_id)
        raise Unauthorized("token has no valid role or partner_id")
