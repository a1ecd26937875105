"""Pick the search adapter from configuration (``SEARCH_ENDPOINT``), one per container.

* ``http(s)://host:port`` → OpenSearch (SigV4-signed when the host is an AWS OpenSearch domain);
* ``sqlite:///absolute/path.db`` → the embedded engine (the local default: no JVM needed).
``SEARCH_INDEX_PREFIX`` (the stack name) keeps stacks apart on one engine.
"""

from __future__ import annotations

import functools
import os
from urllib.parse import urlparse

from recruitment.application.ports import SearchIndex


@functools.lru_cache(maxsize=None)
def search_index(endpoint: str | None = None, prefix: str | None = None) -> SearchIndex:
    endpoint = endpoint or os.environ["SEARCH_ENDPOINT"]
    prefix = os.environ.get("SEARCH_INDEX_PREFIX", "") if prefix is None else prefix
    url = urlparse(endpoint)
    if url.scheme == "sqlite":
        from recruitment.adapters.search.sqlite_index import SqliteSearchIndex

        index: SearchIndex = SqliteSearchIndex(url.path, prefix)
    elif url.scheme in ("http", "https"):
        index = _opensearch(endpoint, prefix)
    else:
        raise ValueError(f"SEARCH_ENDPOINT must be http(s):// or sqlite:///, not {endpoint!r}")
    index.ensure()
    return index


def _opensearch(endpoint: str, prefix: str) -> SearchIndex:
    from opensearchpy import OpenSearch, RequestsHttpConnection

    from recruitment.adapters.search.opensearch_index import OpenSearchIndex

    options: dict = {
        "hosts": [endpoint],
        "timeout": 10,
        "max_retries": 2,
        "retry_on_timeout": True,
        "pool_maxsize": 16,
    }
    host = urlparse(endpoint).hostname or ""
    if host.endswith(".amazonaws.com"):
        import boto3
        from opensearchpy import AWSV4SignerAuth

        options.update(
            http_auth=AWSV4SignerAuth(boto3.Session().get_credentials(), os.environ["AWS_REGION"], "es"),
            use_ssl=True,
            verify_certs=True,
            connection_class=RequestsHttpConnection,
        )
    return OpenSearchIndex(OpenSearch(**options), prefix, os.environ.get("SEARCH_REFRESH_INTERVAL", "1s"))
