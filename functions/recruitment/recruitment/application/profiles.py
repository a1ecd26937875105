"""Use cases on candidates and jobs (the system of record; the index follows through the stream)."""

from __future__ import annotations

from hexa_shared.auth import ADMIN, PARTNER, Principal
from hexa_shared.clock import new_id, now_iso
from hexa_shared.errors import NotFound
from recruitment.application.commands import CreateCandidate, CreateJob, EditCandidate, EditJob, ListJobs
from recruitment.application.ports import CandidateStore, JobStore
from recruitment.domain.profiles import Candidate, Job, JobStatus


def create_candidate(command: CreateCandidate, store: CandidateStore, principal: Principal) -> Candidate:
    principal.require_role(ADMIN)
    now = now_iso()
    candidate = Candidate(
        candidate_id=new_id(),
        created_at=now,
        updated_at=now,
        **{**command.model_dump(), "skills": tuple(command.skills)},
    )
    store.add(candidate)
    return candidate


def get_candidate(candidate_id: str, store: CandidateStore, principal: Principal) -> Candidate:
    principal.require_role(ADMIN, PARTNER)  # partners browse the talent pool read-only
    candidate = store.get(candidate_id)
    if candidate is None:
        raise NotFound("candidate not found")
    return candidate


def edit_candidate(
    candidate_id: str, command: EditCandidate, store: CandidateStore, principal: Principal
) -> Candidate:
    principal.require_role(ADMIN)
    candidate = get_candidate(candidate_id, store, principal)
    changes = command.model_dump(exclude_unset=True, exclude_none=True)
    return store.save(candidate.edit(changes, now_iso())) if changes else candidate


def delete_candidate(candidate_id: str, store: CandidateStore, principal: Principal) -> None:
    principal.require_role(ADMIN)
    if not store.delete(candidate_id):
        raise NotFound("candidate not found")


def create_job(command: CreateJob, store: JobStore, principal: Principal) -> Job:
    if not principal.can_see_partner(command.partner_id):
        raise NotFound("partner not found")
    now = now_iso()
    job = Job(
        job_id=new_id(),
        status=JobStatus.OPEN,
        created_at=now,
        updated_at=now,
        **{**command.model_dump(), "required_skills": tuple(command.required_skills)},
    )
    store.add(job)
    return job


def get_job(job_id: str, store: JobStore, principal: Principal) -> Job:
    job = store.get(job_id)
    if job is None or not principal.can_see_partner(job.partner_id):
        raise NotFound("job not found")
    return job


def edit_job(job_id: str, command: EditJob, store: JobStore, principal: Principal) -> Job:
    job = get_job(job_id, store, principal)
    changes = command.model_dump(exclude_unset=True, exclude_none=True)
    return store.save(job.edit(changes, now_iso())) if changes else job


def list_jobs(query: ListJobs, store: JobStore, principal: Principal) -> tuple[list[Job], str | None]:
    return principal.scoped_list(
        query.partner_id,
        lambda partner_id: store.list_for_partner(partner_id, query.status, query.limit, query.next_token),
        lambda: store.list_all(query.status, query.limit, query.next_token),
    )
