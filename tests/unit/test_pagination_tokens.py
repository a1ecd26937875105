"""next_token round trip and tamper handling."""

from __future__ import annotations

import base64
import json

import pytest

from hexa_shared.errors import MalformedRequest
from hexa_shared.http.pagination import decode_token, encode_token

KEY = {"partner_id": {"S": "p1"}, "status": {"S": "ACTIVE"}, "created_at": {"S": "2026-11-27T00:00:00.000Z"}}


def test_round_trip() -> None:
    assert decode_token(encode_token(KEY), set(KEY)) == KEY
    assert encode_token(None) is None and decode_token(None, set(KEY)) is None


@pytest.mark.parametrize(
    "token",
    [
        "!!!",
        "e30",
        base64.urlsafe_b64encode(b"[1,2]").decode(),
        base64.urlsafe_b64encode(
            json.dumps({"partner_id": {"S": "p1"}}).encode()
        ).decode(),  # keys of another list
        base64.urlsafe_b64encode(json.dumps({**KEY, "status": {"M": {}}}).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps({**KEY, "status": "ACTIVE"}).encode()).decode(),
    ],
)
def test_foreign_or_broken_tokens_are_400_on_next_token(token: str) -> None:
    with pytest.raises(MalformedRequest) as error:
        decode_token(token, set(KEY))
    assert error.value.status == 400 and error.value.details[0].field == "next_token"
