"""Recruitment's use cases on the in-memory stores (tests/fakes, proven by tests/contract) and the embedded
search engine (the search contract suite's other adapter): who may do what, edits that change nothing
write nothing, and the rebuild that brings the index back in step with the system of record."""

from __future__ import annotations

from pathlib import Path

import pytest

from fakes.recruitment import InMemoryCandidateStore, InMemoryJobStore
from hexa_shared.auth import Principal
from hexa_shared.clock import new_id
from hexa_shared.errors import Forbidden, NotFound
from recruitment.adapters.search.sqlite_index import SqliteSearchIndex
from recruitment.application.commands import CreateCandidate, CreateJob, EditCandidate, EditJob, ListJobs
from recruitment.application.indexing import rebuild_all
from recruitment.application.profiles import (
    create_candidate,
    create_job,
    delete_candidate,
    edit_candidate,
    edit_job,
    get_candidate,
    get_job,
    list_jobs,
)
from recruitment.application.ports import CANDIDATES, JOBS
from recruitment.application.search import job_matches

ADMIN = Principal("admin", "admin")


def _partner() -> Principal:
    partner_id = new_id()
    return Principal(partner_id, "partner", partner_id)


def _candidate(
    store: InMemoryCandidateStore, skills: list[str], years: int = 5, where: str = "Madrid"
) -> str:
    command = CreateCandidate(
        name=f"Talent {new_id()[:6]}",
        skills=skills,
        experience_years=years,
        location=where,
        availability="IMMEDIATE",
    )
    return create_candidate(command, store, ADMIN).candidate_id


def _job(store: InMemoryJobStore, principal: Principal, skills: list[str]) -> str:
    command = CreateJob(
        partner_id=principal.partner_id or new_id(),
        title="Creator",
        required_skills=skills,
        experience_required=2,
        location="Madrid",
    )
    return create_job(command, store, principal).job_id


@pytest.fixture
def index(tmp_path: Path) -> SqliteSearchIndex:
    engine = SqliteSearchIndex(str(tmp_path / "search.db"))
    engine.ensure()
    return engine


def test_only_an_admin_writes_candidates_and_partners_read_them() -> None:
    store, partner = InMemoryCandidateStore(), _partner()
    with pytest.raises(Forbidden):
        create_candidate(
            CreateCandidate(
                name="Eve", skills=["x"], experience_years=1, location="Madrid", availability="IMMEDIATE"
            ),
            store,
            partner,
        )
    candidate_id = _candidate(store, ["video"])
    assert get_candidate(candidate_id, store, partner).skills == ("video",)
    with pytest.raises(Forbidden):
        delete_candidate(candidate_id, store, partner)
    assert store.get(candidate_id) is not None


def test_an_edit_without_changes_writes_nothing_and_a_real_one_moves_the_version() -> None:
    store = InMemoryCandidateStore()
    candidate_id = _candidate(store, ["video"])
    assert edit_candidate(candidate_id, EditCandidate(), store, ADMIN).version == 1
    edited = edit_candidate(candidate_id, EditCandidate(skills=[" Video ", "EDITING", "video"]), store, ADMIN)
    assert (edited.version, edited.skills) == (2, ("video", "editing"))


def test_deleting_twice_is_a_404_the_second_time() -> None:
    store = InMemoryCandidateStore()
    candidate_id = _candidate(store, ["video"])
    delete_candidate(candidate_id, store, ADMIN)
    with pytest.raises(NotFound):
        delete_candidate(candidate_id, store, ADMIN)


def test_a_partners_jobs_are_its_own() -> None:
    store, mine, theirs = InMemoryJobStore(), _partner(), _partner()
    job_id = _job(store, mine, ["video"])
    with pytest.raises(NotFound):  # a job for another partner
        create_job(
            CreateJob(
                partner_id=theirs.partner_id,
                title="X",
                required_skills=["x"],
                experience_required=0,
                location="Madrid",
            ),
            store,
            mine,
        )
    for action in (
        lambda: get_job(job_id, store, theirs),
        lambda: edit_job(job_id, EditJob(title="Mine"), store, theirs),
    ):
        with pytest.raises(NotFound):
            action()
    assert store.get(job_id).title == "Creator"  # type: ignore[union-attr]
    assert [j.job_id for j in list_jobs(ListJobs(), store, mine)[0]] == [job_id]
    assert list_jobs(ListJobs(partner_id=mine.partner_id), store, theirs) == ([], None)
    assert [j.job_id for j in list_jobs(ListJobs(), store, ADMIN)[0]] == [job_id]


def test_matches_come_from_the_index_for_a_visible_job_only(index: SqliteSearchIndex) -> None:
    candidates, jobs, partner = InMemoryCandidateStore(), InMemoryJobStore(), _partner()
    strong = _candidate(candidates, ["video", "editing"])
    _candidate(candidates, ["accounting"])
    job_id = _job(jobs, partner, ["video", "editing"])
    rebuild_all(candidates, jobs, index)
    matched = job_matches(job_id, 5, jobs, index, partner)["items"]
    assert matched[0]["candidate"]["candidate_id"] == strong
    assert matched[0]["matched_skills"] == ["video", "editing"]
    with pytest.raises(NotFound):
        job_matches(job_id, 5, jobs, index, _partner())


def test_a_rebuild_brings_the_index_back_in_step(index: SqliteSearchIndex) -> None:
    candidates, jobs = InMemoryCandidateStore(), InMemoryJobStore()
    kept = {_candidate(candidates, ["video"]) for _ in range(3)}
    _job(jobs, _partner(), ["video"])
    index.upsert(
        CANDIDATES,
        [
            {
                "candidate_id": "ghost",
                "name": "Gone",
                "skills": [],
                "experience_years": 0,
                "location": "Madrid",
                "availability": "IMMEDIATE",
                "profile_summary": "",
                "created_at": "2020-01-01T00:00:00Z",
                "updated_at": "2020-01-01T00:00:00Z",
                "email": None,
                "version": 1,
            }
        ],
    )
    reports = rebuild_all(candidates, jobs, index)
    assert [(r.kind, r.copied) for r in reports] == [(CANDIDATES, 3), (JOBS, 1)]
    assert index.ids(CANDIDATES) == kept and index.count(JOBS) == 1
