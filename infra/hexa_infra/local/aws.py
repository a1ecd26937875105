"""boto3 clients bound to one endpoint and region, shared by the runtime's threads.

Why: boto3 *sessions* are not thread-safe but *clients* are, so the runtime creates every client
through one lock-protected session and reuses it (the provisioner, the pollers and the gateway all
talk to the same endpoint). Timeouts are bounded so a stuck endpoint cannot hang a poller forever.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from .template import MOTO_ACCOUNT_ID

__all__ = ["Clients", "account_id", "endpoint_environment", "error_code", "has_credentials"]

log = logging.getLogger("hexa.local.aws")


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


def endpoint_environment(endpoint_url: str, region: str, *, embedded: bool) -> dict[str, str]:
    """The variables every function and client of a local cloud sees: the endpoint, the region, and
    credentials when none are configured — moto's fake ones for the embedded emulator, LocalStack's
    conventional test/test for one at ``--endpoint-url`` (instead of botocore's NoCredentialsError; real
    AWS with none would fail either way)."""
    env = {
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
    }
    if embedded and not (os.environ.get("AWS_ACCESS_KEY_ID") or os.environ.get("AWS_PROFILE")):
        env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")  # noqa: S105 - moto's fake creds
    elif not embedded and not has_credentials():
        log.info(
            "no AWS credentials configured: using LocalStack's conventional test/test for %s", endpoint_url
        )
        env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")  # noqa: S105
    return env


def error_code(exc: BaseException) -> str:
    """The AWS error code of a ``ClientError`` ('' for anything else)."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


def account_id(clients: Clients, *, embedded: bool) -> str:
    """The account the endpoint answers for: moto's when embedded, else STS's (moto's if STS fails)."""
    if embedded:
        return MOTO_ACCOUNT_ID
    try:
        return str(clients("sts").get_caller_identity()["Account"])
    except Exception as exc:  # noqa: BLE001 - a fake id keeps local endpoints usable
        log.warning("could not read the account id from STS (%s); using %s", exc, MOTO_ACCOUNT_ID)
        return MOTO_ACCOUNT_ID
