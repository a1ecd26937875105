"""Reading a request: the caller, a JSON body, paging — with the platform's error answers."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from flask import g, request

from .errors import Malformed, invalid

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MONEY = re.compile(r"\d{1,13}(\.\d{1,2})?", re.ASCII)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def body(*allowed: str) -> dict[str, Any]:
    raw = request.get_data() or b"{}"
    try:
        data = json.loads(raw)
    except ValueError:
        raise Malformed("body is not valid JSON", [("(body)", "invalid JSON")]) from None
    if not isinstance(data, dict):
        raise invalid("(body)", "must be a JSON object")
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise invalid(unknown[0], "unexpected field")
    return data


def text(data: dict[str, Any], field: str, *, required: bool = True, max_length: int = 255) -> str | None:
    value = data.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        raise invalid(field, f"must be a non-empty string of at most {max_length} characters")
    return value


def choice(data: dict[str, Any], field: str, words: dict[str, str]) -> str:
    """An API word (``COMPANY``) → the monolith's value (``EMPRESA``)."""
    value = data.get(field)
    legacy = next((k for k, v in words.items() if v == value), None)
    if legacy is None:
        raise invalid(field, f"must be one of {', '.join(words.values())}")
    return legacy


def amount(data: dict[str, Any], field: str, *, required: bool = True) -> str | None:
    value = data.get(field)
    if value is None and not required:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if not isinstance(value, str) or not MONEY.fullmatch(value):
        raise invalid(field, 'must be a decimal string such as "1500.00"')
    return value


def day(value: Any, field: str) -> str:
    if not isinstance(value, str) or not DATE.fullmatch(value):
        raise invalid(field, "must be a date YYYY-MM-DD")
    return value


def count(data: dict[str, Any], field: str) -> int:
    value = data.get(field)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise invalid(field, "must be a non-negative integer")
    return value


def uuid(value: Any, field: str) -> str:
    if not isinstance(value, str) or not UUID.fullmatch(value):
        raise invalid(field, "must be a UUID")
    return value


def page() -> tuple[int, str]:
    """(limit, the id to start after) from ``limit`` and the opaque ``next_token``."""
    try:
        limit = int(request.args.get("limit", "50"))
    except ValueError:
        raise invalid("limit", "must be an integer") from None
    if not 1 <= limit <= 200:
        raise invalid("limit", "must be between 1 and 200")
    token = request.args.get("next_token")
    if not token:
        return limit, "00000000-0000-0000-0000-000000000000"
    try:
        after = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        after = ""
    if not UUID.fullmatch(after):
        raise Malformed("next_token is not a token this list issued", [("next_token", "malformed")])
    return limit, after


def next_token(rows: list[dict[str, Any]], limit: int) -> str | None:
    if len(rows) < limit:
        return None
    return base64.urlsafe_b64encode(str(rows[-1]["id"]).encode()).decode().rstrip("=")


def caller() -> Any:
    return g.caller
