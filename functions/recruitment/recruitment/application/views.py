"""What Recruitment answers: one response model per shape (checked on the way out, and the spec)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from pydantic import Field, StrictFloat, StrictInt, StrictStr

from hexa_shared.http.views import NextToken, Timestamp, View, values_of
from recruitment.domain.profiles import Availability, JobStatus

if TYPE_CHECKING:  # the wire strings of each enum (a Literal built at run time; mypy sees str)
    AvailabilityValue = str
    JobStatusValue = str
else:
    AvailabilityValue = values_of(Availability)
    JobStatusValue = values_of(JobStatus)


class Candidate(View):
    candidate_id: StrictStr
    name: StrictStr
    email: Optional[StrictStr]
    skills: list[StrictStr]
    experience_years: StrictInt
    location: StrictStr
    availability: AvailabilityValue
    profile_summary: StrictStr
    created_at: Timestamp
    updated_at: Timestamp


class Job(View):
    job_id: StrictStr
    partner_id: StrictStr
    title: StrictStr
    description: StrictStr
    required_skills: list[StrictStr]
    experience_required: StrictInt
    location: StrictStr
    status: JobStatusValue
    created_at: Timestamp
    updated_at: Timestamp


class JobPage(View):
    items: list[Job]
    next_token: NextToken


class SearchHit(View):
    candidate: Candidate
    score: StrictFloat | StrictInt
    highlights: dict[str, list[StrictStr]] = Field(
        description="field → fragments with <em> around the matches"
    )


class SearchResults(View):
    total: StrictInt = Field(description="exact number of candidates matching, over all pages")
    results: list[SearchHit]
    facets: dict[str, dict[str, StrictInt]] = Field(
        description="skills, location, availability → value → count"
    )
    next_token: NextToken


class Match(View):
    candidate: Candidate
    score: StrictFloat | StrictInt
    matched_skills: list[StrictStr]


class Matches(View):
    job_id: StrictStr
    items: list[Match]
