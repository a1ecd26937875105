"""Validated inputs of the Recruitment use cases."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Optional

from pydantic import AfterValidator, Field, StrictInt, StrictStr

from hexa_shared.fields import StrictModel, Uuid, Uuid4, line
from hexa_shared.http.pagination import DEFAULT_LIMIT, MAX_LIMIT
from recruitment.domain.profiles import MAX_EXPERIENCE, Availability, JobStatus, normalise_skills

Skills = Annotated[list[StrictStr], AfterValidator(lambda v: list(normalise_skills(v)))]
Years = Annotated[StrictInt, Field(ge=0, le=MAX_EXPERIENCE)]
Text = Annotated[StrictStr, Field(max_length=5000)]
Email = Annotated[StrictStr, Field(pattern=r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$", max_length=254)]
MAX_SEARCH_LIMIT = 100


if TYPE_CHECKING:  # one-line text fields (an Annotated type built at run time; mypy sees str)
    Name = str
    Location = str
else:
    Name = line(200)
    Location = line(100)


class CreateCandidate(StrictModel):
    name: Name
    email: Optional[Email] = None
    skills: Skills
    experience_years: Years
    location: Location
    availability: Availability
    profile_summary: Text = ""


class EditCandidate(StrictModel):
    name: Optional[Name] = None
    email: Optional[Email] = None
    skills: Optional[Skills] = None
    experience_years: Optional[Years] = None
    location: Optional[Location] = None
    availability: Optional[Availability] = None
    profile_summary: Optional[Text] = None


class SearchCandidates(StrictModel):
    q: StrictStr = Field("", max_length=500)
    skills: Optional[StrictStr] = Field(None, max_length=2000)  # comma separated
    min_experience: Optional[Annotated[int, Field(ge=0, le=MAX_EXPERIENCE)]] = None
    max_experience: Optional[Annotated[int, Field(ge=0, le=MAX_EXPERIENCE)]] = None
    location: Optional[Location] = None
    availability: Optional[Availability] = None
    limit: int = Field(20, ge=1, le=MAX_SEARCH_LIMIT)
    next_token: Optional[StrictStr] = Field(None, max_length=1000)

    def skill_list(self) -> tuple[str, ...]:
        return normalise_skills((self.skills or "").split(","))


class CreateJob(StrictModel):
    partner_id: Uuid4
    title: Name
    description: Text = ""
    required_skills: Skills
    experience_required: Years
    location: Location


class EditJob(StrictModel):
    title: Optional[Name] = None
    description: Optional[Text] = None
    required_skills: Optional[Skills] = None
    experience_required: Optional[Years] = None
    location: Optional[Location] = None
    status: Optional[JobStatus] = None


class ListJobs(StrictModel):
    partner_id: Optional[Uuid] = None
    status: Optional[JobStatus] = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    next_token: Optional[str] = None


class MatchLimit(StrictModel):
    limit: int = Field(20, ge=1, le=MAX_SEARCH_LIMIT)
