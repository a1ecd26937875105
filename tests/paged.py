"""Reading a paged port to the end, checking each page's size on the way."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def every_page(fetch: Callable[[str | None], tuple[list[T], str | None]], limit: int) -> list[T]:
    """Every item of every page ``fetch(token)`` answers, in order; no page may hold more than ``limit``."""
    seen: list[T] = []
    token = None
    while True:
        items, token = fetch(token)
        assert len(items) <= limit
        seen += items
        if token is None:
            return seen
