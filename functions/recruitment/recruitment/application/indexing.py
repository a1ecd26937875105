"""Keeping the search index in step with DynamoDB: the stream indexer and the full rebuild."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from hexa_shared.clock import now_iso
from recruitment.application.ports import CANDIDATES, JOBS, CandidateStore, JobStore, SearchIndex, documents

BATCH = 500


def index_stream_record(
    kind: str,
    record: dict[str, Any],
    index: SearchIndex,
    to_document: Callable[[dict[str, Any]], dict[str, Any]],
) -> None:
    """INSERT/MODIFY → upsert the new image; REMOVE → delete by key. Raises on failure (retried)."""
    if record["eventName"] == "REMOVE":
        key = next(iter(record["dynamodb"]["Keys"].values()))["S"]
        index.delete(kind, [key])
    else:
        index.upsert(kind, [to_document(record["dynamodb"]["NewImage"])])


@dataclass(frozen=True)
class RebuildReport:
    kind: str
    generation: str
    previous: str | None
    copied: int
    caught_up: int
    removed: int
    seconds: float


def rebuild(kind: str, source: Callable[[], Iterator[Any]], index: SearchIndex) -> RebuildReport:
    """Fill a new generation from the system of record, switch to it, then catch up.

    Searches keep hitting the old generation until the atomic switch. Writes the stream indexer makes
    meanwhile land in the old one, so after the switch everything changed since the copy began is
    upserted again (versions make that idempotent) and documents whose items are gone are deleted."""
    started, started_iso = time.monotonic(), now_iso()
    generation = index.new_generation(kind)
    copied = 0
    for chunk in _chunks(source(), BATCH):
        index.write(kind, generation, documents(chunk))
        copied += len(chunk)
    previous = index.activate(kind, generation)
    current = list(source())
    recent = [item for item in current if item.updated_at >= started_iso]
    for chunk in _chunks(recent, BATCH):
        index.upsert(kind, documents(chunk))
    id_field = "candidate_id" if kind == CANDIDATES else "job_id"
    gone = index.ids(kind) - {getattr(item, id_field) for item in current}
    if gone:
        index.delete(kind, sorted(gone))
    index.refresh()
    return RebuildReport(
        kind, generation, previous, copied, len(recent), len(gone), time.monotonic() - started
    )


def rebuild_all(candidates: CandidateStore, jobs: JobStore, index: SearchIndex) -> list[RebuildReport]:
    return [rebuild(CANDIDATES, candidates.scan, index), rebuild(JOBS, jobs.scan, index)]


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
