"""Candidates and jobs (pure): normalised skills, experience bounds, availability and job status."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, Iterable

MAX_SKILLS, MAX_SKILL_LENGTH, MAX_EXPERIENCE = 50, 50, 60


class Availability(str, Enum):
    IMMEDIATE = "IMMEDIATE"
    TWO_WEEKS = "TWO_WEEKS"
    ONE_MONTH = "ONE_MONTH"
    UNAVAILABLE = "UNAVAILABLE"


class JobStatus(str, Enum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


def normalise_skills(skills: Iterable[str]) -> tuple[str, ...]:
    """Trimmed, lower-case, de-duplicated (first occurrence keeps its place), no empties."""
    seen: dict[str, None] = {}
    for skill in skills:
        value = " ".join(str(skill).split()).lower()
        if not value:
            continue
        if len(value) > MAX_SKILL_LENGTH:
            raise ValueError(f"a skill is at most {MAX_SKILL_LENGTH} characters")
        seen.setdefault(value, None)
    if len(seen) > MAX_SKILLS:
        raise ValueError(f"at most {MAX_SKILLS} skills")
    return tuple(seen)


def check_experience(years: int) -> int:
    if not 0 <= years <= MAX_EXPERIENCE:
        raise ValueError(f"must be between 0 and {MAX_EXPERIENCE}")
    return years


@dataclass(frozen=True)
class Candidate:
    candidate_id: str
    name: str
    skills: tuple[str, ...]
    experience_years: int
    location: str
    availability: Availability
    profile_summary: str
    created_at: str
    updated_at: str
    email: str | None = None
    version: int = 0

    def edit(self, changes: dict[str, Any], now: str) -> "Candidate":
        if "skills" in changes:
            changes = {**changes, "skills": normalise_skills(changes["skills"])}
        return replace(self, **changes, updated_at=now)

    def to_dict(self) -> dict[str, Any]:
        return {
            "candidate_id": self.candidate_id,
            "name": self.name,
            "email": self.email,
            "skills": list(self.skills),
            "experience_years": self.experience_years,
            "location": self.location,
            "availability": self.availability.value,
            "profile_summary": self.profile_summary,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True)
class Job:
    job_id: str
    partner_id: str
    title: str
    description: str
    required_skills: tuple[str, ...]
    experience_required: int
    location: str
    status: JobStatus
    created_at: str
    updated_at: str
    version: int = 0

    def edit(self, changes: dict[str, Any], now: str) -> "Job":
        if "required_skills" in changes:
            changes = {**changes, "required_skills": normalise_skills(changes["required_skills"])}
        return replace(self, **changes, updated_at=now)

    def to_dict(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "partner_id": self.partner_id,
            "title": self.title,
            "description": self.description,
            "required_skills": list(self.required_skills),
            "experience_required": self.experience_required,
            "location": self.location,
            "status": self.status.value,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }
