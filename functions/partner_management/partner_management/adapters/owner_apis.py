"""The three owners Profile 360 asks, over their public HTTP APIs (DESIGN.md §1: cross-context reads
go through the owner's API), on one pooled keep-alive session per container."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from partner_management.application.ports import OwnerUnavailable

if TYPE_CHECKING:
    import requests

PAGE = 200  # the list APIs' maximum page


@functools.lru_cache(maxsize=None)
def _session() -> requests.Session:
    import requests  # with the first Profile 360, not at cold start (the other routes never need it)
    from requests.adapters import HTTPAdapter

    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=32, max_retries=0)  # urllib3 sets TCP_NODELAY
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class OwnerApis:
    def __init__(self, base_url: str, timeout_seconds: float) -> None:
        self._base = base_url.rstrip("/")
        self._timeout = timeout_seconds

    def _items(self, path: str, partner_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
        response = _session().get(
            f"{self._base}{path}",
            params={"partner_id": partner_id, "limit": PAGE},
            headers=headers,
            timeout=(self._timeout, self._timeout),
        )
        if response.status_code != 200:
            try:
                code = response.json()["error"]["code"]
            except (ValueError, KeyError, TypeError):
                code = "unexpected response"
            raise OwnerUnavailable(f"HTTP {response.status_code} {code}")
        return response.json()["items"]

    def contracts(self, partner_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
        return self._items("/contracts", partner_id, headers)

    def campaigns(self, partner_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
        return self._items("/campaigns", partner_id, headers)

    def jobs(self, partner_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
        return self._items("/jobs", partner_id, headers)
