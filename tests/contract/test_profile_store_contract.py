"""The CandidateStore and JobStore ports' contract (Recruitment's system of record), on the in-memory fakes
and DynamoDB alike: an added item reads back at version 1; a save moves the version and a save over a
stale read is a Conflict that writes nothing; a delete says whether there was something to delete; the
scan sees every item; jobs page once each with the status filter."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from paged import every_page
from fakes.recruitment import InMemoryCandidateStore, InMemoryJobStore
from hexa_shared.clock import new_id, now_iso
from hexa_shared.errors import Conflict
from recruitment.application.ports import CandidateStore, JobStore
from recruitment.domain.profiles import Availability, Candidate, Job, JobStatus


def _candidate() -> Candidate:
    now = now_iso()
    return Candidate(
        candidate_id=new_id(),
        name="Ana Contract",
        skills=("python", "video"),
        experience_years=4,
        location="Madrid",
        availability=Availability.IMMEDIATE,
        profile_summary="Builds things",
        created_at=now,
        updated_at=now,
        email=f"{new_id()}@talent.example",
    )


def _job(partner_id: str | None = None) -> Job:
    now = now_iso()
    return Job(
        job_id=new_id(),
        partner_id=partner_id or new_id(),
        title="Creator",
        description="",
        required_skills=("video",),
        experience_required=2,
        location="Madrid",
        status=JobStatus.OPEN,
        created_at=now,
        updated_at=now,
    )


class ProfileStoreContract:
    candidates: CandidateStore
    jobs: JobStore

    def test_an_added_candidate_reads_back_at_version_1(self) -> None:
        candidate = _candidate()
        self.candidates.add(candidate)
        stored = self.candidates.get(candidate.candidate_id)
        assert stored == replace(candidate, version=1)

    def test_a_save_moves_the_version_and_a_stale_one_writes_nothing(self) -> None:
        candidate = _candidate()
        self.candidates.add(candidate)
        stale = self.candidates.get(candidate.candidate_id)
        assert stale is not None
        saved = self.candidates.save(stale.edit({"location": "Sevilla"}, now_iso()))
        assert saved.version == 2 and self.candidates.get(candidate.candidate_id) == saved
        with pytest.raises(Conflict):
            self.candidates.save(stale.edit({"location": "Bilbao"}, now_iso()))
        assert self.candidates.get(candidate.candidate_id) == saved

    def test_a_delete_says_whether_there_was_something_to_delete(self) -> None:
        candidate = _candidate()
        self.candidates.add(candidate)
        assert self.candidates.delete(candidate.candidate_id) is True
        assert self.candidates.get(candidate.candidate_id) is None
        assert self.candidates.delete(candidate.candidate_id) is False

    def test_the_scan_sees_every_item(self) -> None:
        ours = {_candidate() for _ in range(3)}
        for candidate in ours:
            self.candidates.add(candidate)
        assert {c.candidate_id for c in ours} <= {c.candidate_id for c in self.candidates.scan()}

    def test_a_job_saves_over_its_read_version_only(self) -> None:
        job = _job()
        self.jobs.add(job)
        stale = self.jobs.get(job.job_id)
        assert stale == replace(job, version=1)
        closed = self.jobs.save(stale.edit({"status": JobStatus.CLOSED}, now_iso()))
        assert (closed.status, closed.version) == (JobStatus.CLOSED, 2)
        with pytest.raises(Conflict):
            self.jobs.save(stale.edit({"title": "Late"}, now_iso()))
        assert self.jobs.get(job.job_id) == closed

    def test_a_partners_jobs_page_once_each_with_the_status_filter(self) -> None:
        partner_id = new_id()
        ours = [_job(partner_id) for _ in range(5)]
        for job in ours + [_job()]:
            self.jobs.add(job)
        closed = self.jobs.get(ours[0].job_id)
        self.jobs.save(closed.edit({"status": JobStatus.CLOSED}, now_iso()))  # type: ignore[union-attr]
        listed = every_page(lambda t: self.jobs.list_for_partner(partner_id, JobStatus.OPEN, 2, t), 2)
        assert all(j.partner_id == partner_id and j.status is JobStatus.OPEN for j in listed)
        assert sorted(j.job_id for j in listed) == sorted(j.job_id for j in ours[1:])
        everyone = [j.job_id for j in every_page(lambda t: self.jobs.list_all(None, 3, t), 3)]
        assert len(everyone) == len(set(everyone)) and {j.job_id for j in ours} <= set(everyone)


class TestInMemoryProfileStores(ProfileStoreContract):
    @pytest.fixture(autouse=True)
    def _stores(self) -> None:
        self.candidates, self.jobs = InMemoryCandidateStore(), InMemoryJobStore()


class TestDynamoProfileStores(ProfileStoreContract):
    @pytest.fixture(autouse=True)
    def _stores(self, cloud) -> None:  # noqa: ANN001 - the running local cloud (its tables)
        from recruitment.adapters.profile_store import DynamoCandidateStore, DynamoJobStore

        self.candidates = DynamoCandidateStore(os.environ["CANDIDATES_TABLE"])
        self.jobs = DynamoJobStore(os.environ["JOBS_TABLE"])
