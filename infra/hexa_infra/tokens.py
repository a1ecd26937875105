"""Dev tokens for a running stack: signed with the stack's own key from (emulated) Secrets Manager."""

from __future__ import annotations

from typing import Any

from hexa_shared.auth import issue_token

SIGNING_KEY_RESOURCE = "JwtSigningKey"


def signing_key(secretsmanager: Any, secret_id: str) -> str:
    return secretsmanager.get_secret_value(SecretId=secret_id)["SecretString"]


def dev_token(
    key: str,
    parameters: dict[str, Any],
    *,
    role: str,
    partner_id: str | None = None,
    ttl_seconds: int = 12 * 3600,
) -> str:
    return issue_token(
        key,
        role=role,
        partner_id=partner_id,
        issuer=str(parameters.get("JwtIssuer", "hexabuilders")),
        audience=str(parameters.get("JwtAudience", "hexabuilders-api")),
        ttl_seconds=ttl_seconds,
    )
