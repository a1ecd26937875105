"""boto3 clients bound to one endpoint and region, shared by the runtime's threads.

Why: boto3 *sessions* are not thread-safe but *clients* are, so the runtime creates every client
through one lock-protected session and reuses it (the provisioner, the pollers and the gateway all
talk to the same endpoint). Timeouts are bounded so a stuck endpoint cannot hang a poller forever.
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

__all__ = ["Clients", "error_code"]


class Clients:
    """Lazily created, cached boto3 clients for ``endpoint_url`` (None = AWS's own endpoints)."""

    def __init__(self, endpoint_url: str | None, region: str) -> None:
        self.endpoint_url = endpoint_url
        self.region = region
        self._session = boto3.session.Session(region_name=region)
        self._lock = threading.Lock()
        self._cache: dict[str, Any] = {}
        self._config = Config(
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
            read_timeout=30,
            max_pool_connections=32,
        )

    def __call__(self, service: str) -> Any:
        """The shared client for ``service`` (e.g. ``"sqs"``)."""
        with self._lock:
            client = self._cache.get(service)
            if client is None:
                client = self._session.client(
                    service, endpoint_url=self.endpoint_url, region_name=self.region, config=self._config
                )
                self._cache[service] = client
            return client


def has_credentials() -> bool:
    """Whether boto3 finds any credentials (environment, profile, SSO, instance role, ...)."""
    return boto3.session.Session().get_credentials() is not None


def error_code(exc: BaseException) -> str:
    """The AWS error code of a ``ClientError`` ('' for anything else)."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""
