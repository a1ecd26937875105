"""What a search asks and answers — identical for every search engine (the contract of the port).

Semantics both adapters implement and the shared contract suite checks:

* ``text``: any of its words (standard analysis: lower-cased, split on non-alphanumerics) in
  ``name`` (boost ``NAME_BOOST``) or ``profile_summary``; BM25-ranked. No text: every candidate.
* ``skills``: the candidate has *all* of them. ``min/max_experience`` inclusive; ``location`` and
  ``availability`` exact.
* Order: score descending, then ``candidate_id`` ascending (a total order, so cursors are stable).
* ``facets``: exact counts of skills, location, availability over the whole filtered result
  (top ``FACET_SIZE`` by count, then value).
* Highlights: the whole matched field with each matched word wrapped in ``<em>…</em>``.
* Job matching: candidates sharing ≥ 1 required skill, not UNAVAILABLE; score =
  ``SKILL_POINTS`` × overlap + ``EXPERIENCE_POINTS`` if experience ≥ required +
  ``LOCATION_POINTS`` if same location; then ``candidate_id``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

NAME_BOOST = 3.0
FACET_SIZE = 20
SKILL_POINTS, EXPERIENCE_POINTS, LOCATION_POINTS = 10.0, 5.0, 3.0
WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words(text: str) -> list[str]:
    """Standard-analyzer-like words; also what keeps user text from ever being query syntax."""
    return [w.lower() for w in WORD.findall(text)][:32]


@dataclass(frozen=True)
class CandidateQuery:
    text: str = ""
    skills: tuple[str, ...] = ()
    min_experience: int | None = None
    max_experience: int | None = None
    location: str | None = None
    availability: str | None = None
    limit: int = 20
    after: tuple[float, str] | None = None  # (score, candidate_id) of the last hit of the previous page


@dataclass(frozen=True)
class Hit:
    document: dict[str, Any]
    score: float
    highlights: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchPage:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    next_after: tuple[float, str] | None


@dataclass(frozen=True)
class Match:
    document: dict[str, Any]
    score: float
    matched_skills: list[str]


def match_score(
    candidate: dict[str, Any], required: tuple[str, ...], experience: int, location: str
) -> float:
    overlap = len(set(candidate["skills"]) & set(required))
    return (
        SKILL_POINTS * overlap
        + (EXPERIENCE_POINTS if candidate["experience_years"] >= experience else 0)
        + (LOCATION_POINTS if candidate["location"] == location else 0)
    )
