"""Paging for the fakes: an opaque ``next_token`` (as the real adapters hand out) over an in-memory list."""

from __future__ import annotations

from typing import TypeVar

from hexa_shared.http.pagination import decode_opaque, encode_opaque

T = TypeVar("T")


def page(items: list[T], limit: int | None, next_token: str | None) -> tuple[list[T], str | None]:
    """``limit`` items from where ``next_token`` left off (all of them for ``None``), and the next token."""
    start = int(decode_opaque(next_token)["offset"]) if next_token else 0
    end = len(items) if limit is None else start + limit
    return items[start:end], encode_opaque({"offset": end}) if end < len(items) else None
