"""Search and matching use cases; the opaque cursor that carries ``search_after`` between pages."""

from __future__ import annotations

from typing import Any

from hexa_shared.auth import ADMIN, PARTNER, Principal
from hexa_shared.errors import FieldIssue, MalformedRequest, invalid
from hexa_shared.http.pagination import decode_opaque, encode_opaque
from recruitment.application.commands import SearchCandidates
from recruitment.application.ports import JobStore, SearchIndex
from recruitment.application.profiles import get_job
from recruitment.domain.search import CandidateQuery, SearchPage, words


def encode_cursor(after: tuple[float, str] | None) -> str | None:
    return None if after is None else encode_opaque([after[0], after[1]])


def decode_cursor(token: str | None) -> tuple[float, str] | None:
    if not token:
        return None
    value = decode_opaque(token)
    if not (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], (int, float))
        and not isinstance(value[0], bool)
        and isinstance(value[1], str)
        and len(value[1]) <= 64
    ):
        raise MalformedRequest(
            "next_token is not a token this search issued",
            [FieldIssue("next_token", "malformed or issued by another search")],
        )
    return float(value[0]), value[1]


def search_candidates(request: SearchCandidates, index: SearchIndex, principal: Principal) -> dict[str, Any]:
    principal.require_role(ADMIN, PARTNER)
    if (
        request.min_experience is not None
        and request.max_experience is not None
        and request.max_experience < request.min_experience
    ):
        raise invalid("max_experience", "must not be below min_experience")
    query = CandidateQuery(
        text=request.q,
        skills=request.skill_list(),
        min_experience=request.min_experience,
        max_experience=request.max_experience,
        location=request.location,
        availability=request.availability.value if request.availability else None,
        limit=request.limit,
        after=decode_cursor(request.next_token),
    )
    if request.q.strip() and not words(request.q):  # only punctuation/operators: nothing can match
        page = SearchPage(
            total=0, hits=[], facets={"skills": {}, "location": {}, "availability": {}}, next_after=None
        )
    else:
        page = index.search_candidates(query)
    return {
        "total": page.total,
        "results": [
            {"candidate": _public(hit.document), "score": hit.score, "highlights": hit.highlights}
            for hit in page.hits
        ],
        "facets": page.facets,
        "next_token": encode_cursor(page.next_after),
    }


def job_matches(
    job_id: str, limit: int, jobs: JobStore, index: SearchIndex, principal: Principal
) -> dict[str, Any]:
    job = get_job(job_id, jobs, principal)
    matches = index.match_candidates(job.required_skills, job.experience_required, job.location, limit)
    return {
        "job_id": job.job_id,
        "items": [
            {"candidate": _public(m.document), "score": m.score, "matched_skills": m.matched_skills}
            for m in matches
        ],
    }


def _public(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "version"}
