"""JWT verification rules (pure: the key is passed in; the HTTP rejects are tested end to end)."""
from __future__ import annotations

import time

import jwt
import pytest

from hexa_shared.auth import Principal, TokenVerifier, issue_token
from hexa_shared.errors import Forbidden, NotFound, Unauthorized

KEY, ISS, AUD = "k" * 64, "hexabuilders", "hexabuilders-api"
verifier = TokenVerifier(lambda: KEY, ISS, AUD, leeway_seconds=0)


def token(**claims: object) -> str:
    now = int(time.time())
    base = {"sub": "u", "role": "admin", "iss": ISS, "aud": AUD, "iat": now, "exp": now + 60}
    return jwt.encode({k: v for k, v in {**base, **claims}.items() if v is not None}, KEY, algorithm="HS256")


def test_issued_tokens_round_trip() -> None:
    admin = verifier.principal("Bearer " + issue_token(KEY, role="admin", issuer=ISS, audience=AUD))
    partner = verifier.principal("bearer " + issue_token(KEY, role="partner", partner_id="p1", issuer=ISS, audience=AUD))
    assert admin.is_admin and admin.can_see_partner("anyone")
    assert partner == Principal(subject="p1", role="partner", partner_id="p1")
    assert partner.can_see_partner("p1") and not partner.can_see_partner("p2")


@pytest.mark.parametrize("header", [
    None, "", "Bearer", "Basic dXNlcjpwYXNz", "Bearer not.a.jwt",
    "Bearer " + token(exp=int(time.time()) - 5),
    "Bearer " + token(iss="someone-else"),
    "Bearer " + token(aud="other-api"),
    "Bearer " + token(role="root"),
    "Bearer " + token(role="partner"),  # partner without partner_id
    "Bearer " + token(exp=None),
    "Bearer " + jwt.encode({"sub": "u", "role": "admin", "iss": ISS, "aud": AUD, "iat": 0, "exp": 2**33}, "other" * 8,
                           algorithm="HS256"),
    "Bearer " + jwt.encode({"sub": "u", "role": "admin", "iss": ISS, "aud": AUD, "iat": 0, "exp": 2**33}, None,
                           algorithm="none"),
])
def test_rejected_headers(header: str | None) -> None:
    with pytest.raises(Unauthorized):
        verifier.principal(header)


def test_partner_scoping_errors() -> None:
    partner = Principal("p1", "partner", "p1")
    with pytest.raises(NotFound):
        partner.require_partner("p2")
    with pytest.raises(Forbidden):
        partner.require_role("admin")
    partner.require_partner("p1")
    partner.require_role("admin", "partner")


def test_issue_token_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        issue_token(KEY, role="partner", issuer=ISS, audience=AUD)
    with pytest.raises(ValueError):
        issue_token(KEY, role="superuser", issuer=ISS, audience=AUD)
