"""AuthorizerFunction (functions/authorizer/app.py): the API's TOKEN authorizer. A valid token is allowed
on the whole stage (so API Gateway's per-token cache serves every route) with the principal in the
context; an invalid one is denied with a reason safe to paste into the gateway response's JSON."""

from __future__ import annotations

import json
import time

import jwt
import pytest

from hexa_shared.auth import TokenVerifier, issue_token
from lambda_modules import lambda_module

KEY, ISS, AUD = "k" * 64, "hexabuilders", "hexabuilders-api"
P1 = "8b6f8f4e-3c1e-4c59-9d8e-0f6c3f6d2a11"
ARN = "arn:aws:execute-api:eu-west-1:111122223333:abc123/dev/GET/partners/" + P1


@pytest.fixture(scope="module")
def authorizer():  # noqa: ANN201
    module = lambda_module("authorizer")
    module._verifier = lambda: TokenVerifier(lambda: KEY, ISS, AUD, leeway_seconds=0)  # noqa: SLF001
    return module


def _statement(answer: dict) -> dict:
    [statement] = answer["policyDocument"]["Statement"]
    assert statement["Action"] == "execute-api:Invoke"
    return statement


def test_a_partner_token_is_allowed_on_the_whole_stage_with_its_principal(authorizer) -> None:  # noqa: ANN001
    token = issue_token(KEY, role="partner", partner_id=P1, issuer=ISS, audience=AUD)
    answer = authorizer.authorize(
        {"type": "TOKEN", "authorizationToken": f"Bearer {token}", "methodArn": ARN}, None
    )
    assert _statement(answer) == {
        "Action": "execute-api:Invoke",
        "Effect": "Allow",
        "Resource": "arn:aws:execute-api:eu-west-1:111122223333:abc123/dev/*",
    }
    assert answer["principalId"] == P1 and answer["context"] == {"role": "partner", "partner_id": P1}


def test_an_admin_token_carries_an_empty_partner(authorizer) -> None:  # noqa: ANN001
    token = issue_token(KEY, role="admin", issuer=ISS, audience=AUD)
    answer = authorizer.authorize({"authorizationToken": f"Bearer {token}", "methodArn": ARN}, None)
    assert _statement(answer)["Effect"] == "Allow" and answer["context"] == {
        "role": "admin",
        "partner_id": "",
    }


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Basic dXNlcjpwdw==", "Authorization must be 'Bearer <token>'"),
        ("Bearer not-a-jwt", "invalid token"),
        (
            "Bearer " + issue_token("other" * 13, role="admin", issuer=ISS, audience=AUD),
            "Signature verification failed",
        ),
        ("Bearer " + issue_token(KEY, role="admin", issuer="someone-else", audience=AUD), "issuer"),
    ],
)
def test_an_invalid_token_is_denied_with_its_reason(authorizer, header: str, reason: str) -> None:  # noqa: ANN001
    answer = authorizer.authorize({"authorizationToken": header, "methodArn": ARN}, None)
    assert _statement(answer) == {"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": ARN}
    assert reason in answer["context"]["error"]


def test_an_expired_token_is_denied(authorizer) -> None:  # noqa: ANN001
    now = int(time.time())
    token = jwt.encode(
        {"sub": "admin", "role": "admin", "iss": ISS, "aud": AUD, "iat": now - 100, "exp": now - 50},
        KEY,
        algorithm="HS256",
    )
    answer = authorizer.authorize({"authorizationToken": f"Bearer {token}", "methodArn": ARN}, None)
    assert _statement(answer)["Effect"] == "Deny" and answer["context"]["error"] == "token expired"


def test_the_reason_never_breaks_the_json_it_is_pasted_into(authorizer) -> None:  # noqa: ANN001
    now = int(time.time())
    no_exp = jwt.encode(
        {"sub": "a", "role": "admin", "iss": ISS, "aud": AUD, "iat": now}, KEY, algorithm="HS256"
    )
    reason = authorizer.authorize({"authorizationToken": f"Bearer {no_exp}", "methodArn": ARN}, None)[
        "context"
    ]["error"]
    assert "exp" in reason  # PyJWT says: Token is missing the "exp" claim
    body = '{"error": {"code": "unauthorized", "message": "$context.authorizer.error"}}'
    assert json.loads(body.replace("$context.authorizer.error", reason))["error"]["message"] == reason


def test_a_failure_of_its_own_raises_so_nothing_is_let_through(authorizer, monkeypatch) -> None:  # noqa: ANN001
    def unreadable() -> str:
        raise RuntimeError("secrets manager unreachable")

    monkeypatch.setattr(authorizer, "_verifier", lambda: TokenVerifier(unreadable, ISS, AUD))
    with pytest.raises(RuntimeError):
        authorizer.authorize({"authorizationToken": "Bearer a.b.c", "methodArn": ARN}, None)


def test_stage_wildcard(authorizer) -> None:  # noqa: ANN001
    module = authorizer
    assert (
        module.stage_wildcard("arn:aws:execute-api:r:1:api/prod/POST/a/b")
        == "arn:aws:execute-api:r:1:api/prod/*"
    )
    assert module.stage_wildcard("not-an-arn") == "not-an-arn"
