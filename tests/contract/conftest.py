"""The search port's contract suite runs against every adapter: the embedded engine and a real OpenSearch.

OpenSearch comes from OPENSEARCH_URL (``make test`` and ``.ci/run`` start one with
infra/opensearch/start.sh). Under CI=true its absence is a failure, never a skip.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from recruitment.adapters.search.sqlite_index import SqliteSearchIndex


def _opensearch() -> Iterator[object]:
    url = os.environ.get("OPENSEARCH_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but OPENSEARCH_URL is not set: the OpenSearch contract run is mandatory")
        pytest.skip("OPENSEARCH_URL not set (make test starts OpenSearch; run infra/opensearch/start.sh)")
    from opensearchpy import OpenSearch

    from recruitment.adapters.search.opensearch_index import OpenSearchIndex

    client = OpenSearch(hosts=[url], timeout=30)
    prefix = f"contract-{uuid.uuid4().hex[:8]}-"
    index = OpenSearchIndex(client, prefix, refresh_interval="1s")
    index.ensure()
    try:
        yield index
    finally:
        client.indices.delete(index=f"{prefix}*", ignore_unavailable=True)


@pytest.fixture(params=["embedded", "opensearch"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    if request.param == "embedded":
        index = SqliteSearchIndex(str(tmp_path / "search.db"), prefix="contract_")
        index.ensure()
        yield index
    else:
        yield from _opensearch()
