"""boto3 clients, one per service per container, pointed wherever the environment says.

``AWS_ENDPOINT_URL`` (set by the local runtime, or by a LocalStack user) is honoured by botocore
itself, so the same code talks to the embedded emulator, LocalStack or AWS. boto3 is imported with the
first client, not with the handler module (pynamodb needs only botocore).
"""

from __future__ import annotations

import functools

from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=10)


@functools.lru_cache(maxsize=None)
def client(service: str):  # noqa: ANN201 - boto3 clients are dynamically typed
    import boto3

    return boto3.session.Session().client(service, config=_CONFIG)


@functools.lru_cache(maxsize=None)
def bulk_client(service: str):  # noqa: ANN201
    """For bulk loads of items we built ourselves: no client-side parameter validation (a third of the
    client's CPU per BatchWriteItem), and a connection pool as wide as the loader's workers."""
    import boto3

    return boto3.session.Session().client(
        service, config=_CONFIG.merge(Config(parameter_validation=False, max_pool_connections=32))
    )
