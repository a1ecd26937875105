"""Recruitment's composition root: the one place that reads the environment and wires adapters."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

from hexa_shared.wiring import Wiring
from recruitment.adapters.profile_store import DynamoCandidateStore, DynamoJobStore
from recruitment.application.ports import SearchIndex


class Recruitment(Wiring):
    @cached_property
    def candidates(self) -> DynamoCandidateStore:
        return DynamoCandidateStore(self.environ["CANDIDATES_TABLE"])

    @cached_property
    def jobs(self) -> DynamoJobStore:
        return DynamoJobStore(self.environ["JOBS_TABLE"])

    @cached_property
    def search_index(self) -> SearchIndex:
        """OpenSearch (http/https) or the embedded engine (sqlite:///), from SEARCH_ENDPOINT."""
        from recruitment.adapters.search.factory import search_index

        return search_index(self.environ["SEARCH_ENDPOINT"], self.environ.get("SEARCH_INDEX_PREFIX", ""))


def bootstrap(environ: Mapping[str, str] | None = None, **given: object) -> Recruitment:
    return Recruitment(environ, **given)
