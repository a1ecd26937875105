"""Which search engine a local stack uses, and how to start it clean.

The template's ``SearchEndpoint`` parameter chooses: empty in AWS (the stack's own domain); locally
``sqlite:///…`` (the embedded engine, the default: no JVM) or an OpenSearch URL
(``make up SEARCH=opensearch`` / ``HEXA_SEARCH_ENDPOINT``). An embedded emulator starts empty, so the
stack's indices are reset with it — otherwise search would return documents DynamoDB never had.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[2]
ENV = "HEXA_SEARCH_ENDPOINT"


def default_endpoint(stack: str) -> str:
    return os.environ.get(ENV) or f"sqlite:///{REPO / '.hexa' / f'{stack}-search.db'}"


def index_prefix(stack: str) -> str:
    """What the template passes as SEARCH_INDEX_PREFIX (``${AWS::StackName}-``)."""
    return f"{stack}-"


def reset(endpoint: str, stack: str) -> None:
    """Drop the stack's indices (OpenSearch) or its database file (embedded)."""
    url = urlparse(endpoint)
    if url.scheme == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(url.path + suffix).unlink(missing_ok=True)
    elif url.scheme in ("http", "https"):
        from opensearchpy import OpenSearch

        client = OpenSearch(hosts=[endpoint], timeout=30)
        names = list(client.indices.get(index=f"{index_prefix(stack)}*", ignore_unavailable=True))
        if names:
            client.indices.delete(index=",".join(names))
