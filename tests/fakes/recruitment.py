"""Recruitment's system of record in memory: what DynamoCandidateStore and DynamoJobStore do (the search
index has its own contract suite, and an embedded adapter, tests/contract/test_search_contract.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any, Generic, TypeVar

from fakes.paging import page
from hexa_shared.errors import Conflict
from recruitment.domain.profiles import Candidate, Job, JobStatus

T = TypeVar("T", Candidate, Job)


class _VersionedStore(Generic[T]):
    key: str

    def __init__(self) -> None:
        self.items: dict[str, T] = {}

    def add(self, value: T) -> None:
        if getattr(value, self.key) in self.items:
            raise Conflict("already exists")
        self.items[getattr(value, self.key)] = replace(value, version=1)

    def get(self, key: str) -> T | None:
        return self.items.get(key)

    def save(self, value: T) -> T:
        stored = self.items.get(getattr(value, self.key))
        if (stored.version if stored else 0) != value.version:
            raise Conflict("changed concurrently; reload and retry")
        saved = self.items[getattr(value, self.key)] = replace(value, version=value.version + 1)
        return saved

    def scan(self) -> Iterator[T]:
        return iter(list(self.items.values()))


class InMemoryCandidateStore(_VersionedStore[Candidate]):
    key = "candidate_id"

    def delete(self, candidate_id: str) -> bool:
        return self.items.pop(candidate_id, None) is not None


class InMemoryJobStore(_VersionedStore[Job]):
    key = "job_id"

    def list_for_partner(
        self, partner_id: str, status: JobStatus | None, limit: int, next_token: str | None
    ) -> tuple[list[Job], str | None]:
        return _page(
            [j for j in self.items.values() if j.partner_id == partner_id], status, limit, next_token
        )

    def list_all(
        self, status: JobStatus | None, limit: int, next_token: str | None
    ) -> tuple[list[Job], str | None]:
        return _page(list(self.items.values()), status, limit, next_token)


def _page(
    jobs: list[Job], status: JobStatus | None, limit: int, next_token: str | None
) -> tuple[list[Any], str | None]:
    matching = [j for j in jobs if status is None or j.status is status]
    return page(matching, limit, next_token)
