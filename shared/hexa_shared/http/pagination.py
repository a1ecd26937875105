"""Opaque ``next_token`` ⇄ DynamoDB ``LastEvaluatedKey``, signed at the HTTP edge.

Inside, a token is base64url JSON of the key in DynamoDB's typed form (``{"partner_id": {"S": "…"}}``),
checked on the way back in: a token that is not one this list issued is a 400 naming ``next_token``,
never a 500 from DynamoDB. On the wire, :class:`CursorSigner` adds an HMAC made with a key derived
from the stack's signing key, so a client can neither forge nor edit a cursor (a re-encoded key with
an attribute of another type used to reach the store and fail there): any change is a 400.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any, Callable

from hexa_shared.errors import FieldIssue, MalformedRequest

DEFAULT_LIMIT, MAX_LIMIT = 50, 200


def encode_opaque(value: Any) -> str:
    """Any JSON value as an opaque URL-safe token (base64url, no padding)."""
    return (
        base64.urlsafe_b64encode(json.dumps(value, sort_keys=True, separators=(",", ":")).encode())
        .decode()
        .rstrip("=")
    )


def decode_opaque(token: str) -> Any:
    """The JSON value inside a token, or ``None`` when it is not one (the caller names the field)."""
    try:
        return json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def encode_token(last_key: dict[str, Any] | None) -> str | None:
    return encode_opaque(last_key) if last_key else None


def decode_token(token: str | None, expected_keys: set[str]) -> dict[str, Any] | None:
    if not token:
        return None
    key = decode_opaque(token)
    if not _is_key(key, expected_keys):
        raise MalformedRequest(
            "next_token is not a token this list issued",
            [FieldIssue("next_token", "malformed or issued by another list")],
        )
    return key


def _is_key(key: Any, expected_keys: set[str]) -> bool:
    return (
        isinstance(key, dict)
        and set(key) == expected_keys
        and all(
            isinstance(v, dict)
            and len(v) == 1
            and next(iter(v)) in ("S", "N")
            and isinstance(next(iter(v.values())), str)
            and len(next(iter(v.values()))) <= 1024
            for v in key.values()
        )
    )


class CursorSigner:
    """Signs outgoing ``next_token`` values and checks incoming ones (HMAC-SHA256, a key per purpose)."""

    PURPOSE = b"hexabuilders/next_token/v1"

    def __init__(self, secret: Callable[[], str]) -> None:
        self._secret = secret

    def _mac(self, token: str) -> str:
        key = hmac.new(self._secret().encode(), self.PURPOSE, hashlib.sha256).digest()
        digest = hmac.new(key, token.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:24]).decode()

    def sign(self, token: str) -> str:
        return f"{token}.{self._mac(token)}"

    def unwrap(self, signed: str) -> str:
        """The token inside, or a 400 naming ``next_token`` if it is not one this API signed."""
        token, _, mac = signed.rpartition(".")
        if not token or not hmac.compare_digest(mac.encode(), self._mac(token).encode()):
            raise MalformedRequest(
                "next_token is not a token this API issued (it is signed: copy it unchanged)",
                [FieldIssue("next_token", "tampered with, truncated or issued elsewhere")],
            )
        return token
