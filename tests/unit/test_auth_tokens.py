"""JWT verification rules (pure: the key is passed in; the HTTP rejects are tested end to end)."""

from __future__ import annotations

import time

import jwt
import pytest

from hexa_shared.auth import Principal, TokenVerifier, issue_token
from hexa_shared.errors import Forbidden, NotFound, Unauthorized

KEY, ISS, AUD = "k" * 64, "hexabuilders", "hexabuilders-api"
P1, P2 = "8b6f8f4e-3c1e-4c59-9d8e-0f6c3f6d2a11", "2c9a4b8e-1d2f-4a3b-8c7d-6e5f4a3b2c1d"
verifier = TokenVerifier(lambda: KEY, ISS, AUD, leeway_seconds=0)


def token(**claims: object) -> str:
    now = int(time.time())
    base = {"sub": "u", "role": "admin", "iss": ISS, "aud": AUD, "iat": now, "exp": now + 60}
    return jwt.encode({k: v for k, v in {**base, **claims}.items() if v is not None}, KEY, algorithm="HS256")


def test_issued_tokens_round_trip() -> None:
    admin = verifier.principal("Bearer " + issue_token(KEY, role="admin", issuer=ISS, audience=AUD))
    partner = verifier.principal(
        "bearer " + issue_token(KEY, role="partner", partner_id=P1, issuer=ISS, audience=AUD)
    )
    assert admin.is_admin and admin.can_see_partner("anyone")
    assert partner == Principal(subject=P1, role="partner", partner_id=P1)
    assert partner.can_see_partner(P1) and not partner.can_see_partner(P2)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer not.a.jwt",
        "Bearer " + token(exp=int(time.time()) - 5),
        "Bearer " + token(iss="someone-else"),
        "Bearer " + token(aud="other-api"),
        "Bearer " + token(role="root"),
        "Bearer " + token(role="partner"),  # partner without partner_id
        # claims are typed (issue 12 #8): an object, a list, a number or a non-UUID is no partner_id
        "Bearer " + token(role="partner", partner_id={"$ne": P1}),
        "Bearer " + token(role="partner", partner_id=[P1, P2]),
        "Bearer " + token(role="partner", partner_id=12345),
        "Bearer " + token(role="partner", partner_id="not-a-uuid"),
        "Bearer " + token(role="partner", partner_id=P1.upper()),
        "Bearer " + token(role="admin", partner_id=P1),  # an admin token naming a partner is ambiguous
        "Bearer " + token(role=["admin"]),
        "Bearer " + token(sub={"id": 1}),
        "Bearer " + token(exp=None),
        "Bearer "
        + jwt.encode(
            {"sub": "u", "role": "admin", "iss": ISS, "aud": AUD, "iat": 0, "exp": 2**33},
            "other" * 8,
            algorithm="HS256",
        ),
        "Bearer "
        + jwt.encode(
            {"sub": "u", "role": "admin", "iss": ISS, "aud": AUD, "iat": 0, "exp": 2**33},
            None,
            algorithm="none",
        ),
    ],
)
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
    with pytest.raises(ValueError):
        issue_token(KEY, role="partner", partner_id="p1", issuer=ISS, audience=AUD)


def test_scoped_lists_ask_for_every_partner_only_by_name() -> None:
    """No None-means-everything (issue 12 #1): the caller picks one of two explicit fetches."""
    calls: list[object] = []
    one = lambda partner_id: (calls.append(partner_id), ([partner_id], None))[1]  # noqa: E731
    every = lambda: (calls.append("*"), (["*"], None))[1]  # noqa: E731
    admin, partner = Principal("admin", "admin"), Principal(P1, "partner", P1)
    assert admin.scoped_list(None, one, every) == (["*"], None)
    assert admin.scoped_list(P2, one, every) == ([P2], None)
    assert partner.scoped_list(None, one, every) == ([P1], None)
    assert partner.scoped_list(P2, one, every) == ([], None)
    assert calls == ["*", P2, P1]
