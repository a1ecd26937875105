"""Recruitment Lambda handlers: HTTP API (``app``), the stream indexer, and the index rebuild.

Thin by design: parse → use case → response. Everything else lives in ``recruitment``.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from chalice import Chalice

from hexa_shared.batch import handle_stream_records
from hexa_shared.http import HttpApi, RequestContext
from hexa_shared.observability import enable_tracing
from recruitment.adapters.profile_store import candidate_from, from_image, job_from
from recruitment.application import profiles
from recruitment.application.commands import (
    CreateCandidate,
    CreateJob,
    EditCandidate,
    EditJob,
    ListJobs,
    MatchLimit,
    SearchCandidates,
)
from recruitment.application.indexing import index_stream_record, rebuild_all
from recruitment.application.ports import CANDIDATES, JOBS, documents
from recruitment.application.search import job_matches, search_candidates
from recruitment.application.views import Candidate, Job, JobPage, Matches, SearchResults
from recruitment.bootstrap import Recruitment, bootstrap

enable_tracing()
app = Chalice(app_name="recruitment", configure_logs=False)  # Powertools logs
api = HttpApi(app, service="recruitment")
api.openapi_route(
    "/openapi/recruitment.json",
    "Recruitment",
    "1.0.0",
    "Candidates and jobs: full-text and filtered search, job ↔ candidate matching.",
)


@functools.cache
def wired() -> Recruitment:
    """This container's adapters (bootstrap.py), built on first use."""
    return bootstrap()


@api.route("/candidates", methods=["POST"], status=201, body=CreateCandidate, response=Candidate)
def create_candidate(request: RequestContext) -> dict[str, Any]:
    return profiles.create_candidate(
        request.body(CreateCandidate), wired().candidates, request.principal
    ).to_dict()


@api.route("/candidates/search", methods=["GET"], query=SearchCandidates, response=SearchResults)
def search(request: RequestContext) -> dict[str, Any]:
    return search_candidates(request.query(SearchCandidates), wired().search_index, request.principal)


@api.route("/candidates/{candidate_id}", methods=["GET"], response=Candidate)
def get_candidate(request: RequestContext, candidate_id: str) -> dict[str, Any]:
    return profiles.get_candidate(candidate_id, wired().candidates, request.principal).to_dict()


@api.route("/candidates/{candidate_id}", methods=["PATCH"], body=EditCandidate, response=Candidate)
def edit_candidate(request: RequestContext, candidate_id: str) -> dict[str, Any]:
    command = request.body(EditCandidate)
    return profiles.edit_candidate(candidate_id, command, wired().candidates, request.principal).to_dict()


@api.route("/candidates/{candidate_id}", methods=["DELETE"], status=204)
def delete_candidate(request: RequestContext, candidate_id: str) -> None:
    profiles.delete_candidate(candidate_id, wired().candidates, request.principal)


@api.route("/jobs", methods=["POST"], status=201, body=CreateJob, response=Job)
def create_job(request: RequestContext) -> dict[str, Any]:
    return profiles.create_job(request.body(CreateJob), wired().jobs, request.principal).to_dict()


@api.route("/jobs", methods=["GET"], query=ListJobs, response=JobPage)
def list_jobs(request: RequestContext) -> dict[str, Any]:
    found, next_token = profiles.list_jobs(request.query(ListJobs), wired().jobs, request.principal)
    return {"items": [j.to_dict() for j in found], "next_token": next_token}


@api.route("/jobs/{job_id}", methods=["GET"], response=Job)
def get_job(request: RequestContext, job_id: str) -> dict[str, Any]:
    return profiles.get_job(job_id, wired().jobs, request.principal).to_dict()


@api.route("/jobs/{job_id}", methods=["PATCH"], body=EditJob, response=Job)
def edit_job(request: RequestContext, job_id: str) -> dict[str, Any]:
    return profiles.edit_job(job_id, request.body(EditJob), wired().jobs, request.principal).to_dict()


@api.route("/jobs/{job_id}/matches", methods=["GET"], query=MatchLimit, response=Matches)
def matches(request: RequestContext, job_id: str) -> dict[str, Any]:
    limit = request.query(MatchLimit).limit
    return job_matches(job_id, limit, wired().jobs, wired().search_index, request.principal)


# ---------------------------------------------------------------- asynchronous handlers
def _document(parse: Any) -> Any:
    return lambda image: documents([parse(from_image(image))])[0]


SEARCH_PARKING = "SEARCH_INDEX_FAILURES_QUEUE_URL"


def index_candidates(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """CandidatesTable stream → search index (a failed index call fails the record; it is retried)."""
    return handle_stream_records(
        event,
        context,
        api.log,
        lambda record: index_stream_record(
            CANDIDATES, record, wired().search_index, _document(candidate_from)
        ),
        consumer="recruitment.candidate-indexer",
        parking_queue_env=SEARCH_PARKING,
    )


def index_jobs(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """JobsTable stream → search index."""
    return handle_stream_records(
        event,
        context,
        api.log,
        lambda record: index_stream_record(JOBS, record, wired().search_index, _document(job_from)),
        consumer="recruitment.job-indexer",
        parking_queue_env=SEARCH_PARKING,
    )


def rebuild_search_index(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Maintenance (`hexa search reindex`): rebuild both indices from DynamoDB, switch aliases."""
    reports = rebuild_all(wired().candidates, wired().jobs, wired().search_index)
    for report in reports:
        api.log.info("search index rebuilt", extra=dataclasses.asdict(report))
    return {"indices": [dataclasses.asdict(r) for r in reports]}
