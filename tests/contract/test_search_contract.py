"""One behaviour, two engines: every test here runs on the embedded engine and on real OpenSearch."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

import pytest

from recruitment.application.indexing import rebuild
from recruitment.application.ports import CANDIDATES
from recruitment.domain.profiles import Availability, Candidate
from recruitment.domain.search import CandidateQuery

NOW = "2026-11-27T10:00:00.000Z"


def candidate(
    n: int,
    *,
    name: str | None = None,
    skills: tuple[str, ...] = ("python",),
    years: int = 3,
    location: str = "Madrid",
    availability: str = "IMMEDIATE",
    summary: str = "",
    version: int = 1,
) -> dict[str, Any]:
    c = Candidate(
        candidate_id=f"c-{n:05d}",
        name=name or f"Person {n}",
        skills=skills,
        experience_years=years,
        location=location,
        availability=Availability(availability),
        profile_summary=summary,
        created_at=NOW,
        updated_at=NOW,
        version=version,
    )
    return {**c.to_dict(), "version": c.version}


def load(index: Any, docs: list[dict[str, Any]]) -> None:
    index.upsert(CANDIDATES, docs)
    index.refresh()


def ids(page: Any) -> list[str]:
    return [hit.document["candidate_id"] for hit in page.hits]


def test_skill_filter_requires_every_skill(engine: Any) -> None:
    load(
        engine,
        [
            candidate(1, skills=("python", "aws")),
            candidate(2, skills=("python",)),
            candidate(3, skills=("aws", "python", "go")),
            candidate(4, skills=("aws",)),
        ],
    )
    page = engine.search_candidates(CandidateQuery(skills=("python", "aws")))
    assert sorted(ids(page)) == ["c-00001", "c-00003"] and page.total == 2


def test_name_match_ranks_above_summary_only_match(engine: Any) -> None:
    load(
        engine,
        [
            candidate(1, name="Maria Lopez", summary="Senior kotlin developer who also writes rust"),
            candidate(2, name="Kotlin Smith", summary="Engineer"),
            candidate(3, name="Unrelated", summary="Gardening"),
        ],
    )
    page = engine.search_candidates(CandidateQuery(text="kotlin"))
    assert ids(page) == ["c-00002", "c-00001"] and page.total == 2
    assert page.hits[0].highlights == {"name": ["<em>Kotlin</em> Smith"]}
    assert page.hits[1].highlights == {
        "profile_summary": ["Senior <em>kotlin</em> developer who also writes rust"]
    }


def test_facets_count_the_whole_filtered_result_exactly(engine: Any) -> None:
    docs = [
        candidate(
            n,
            skills=("python",) + (("aws",) if n % 2 else ()) + (("go",) if n % 3 == 0 else ()),
            location=("Madrid", "Bilbao", "Sevilla")[n % 3],
            availability=("IMMEDIATE", "TWO_WEEKS")[n % 2],
        )
        for n in range(1, 61)
    ]
    load(engine, docs)
    page = engine.search_candidates(CandidateQuery(min_experience=0, limit=5))
    assert page.total == 60 and len(page.hits) == 5
    assert page.facets["skills"] == {"python": 60, "aws": 30, "go": 20}
    assert page.facets["location"] == {"Bilbao": 20, "Madrid": 20, "Sevilla": 20}
    assert page.facets["availability"] == {"IMMEDIATE": 30, "TWO_WEEKS": 30}
    filtered = engine.search_candidates(CandidateQuery(skills=("go",), limit=5))
    assert filtered.total == 20 and filtered.facets["location"] == {"Madrid": 20}
    assert filtered.facets["skills"] == {"go": 20, "python": 20, "aws": 10}


@pytest.mark.parametrize("text", ["", "engineer"])
def test_paging_through_250_hits_yields_each_exactly_once(engine: Any, text: str) -> None:
    load(engine, [candidate(n, summary="engineer " * (1 + n % 4)) for n in range(250)])
    seen, after, pages = [], None, 0
    while True:
        page = engine.search_candidates(CandidateQuery(text=text, limit=20, after=after))
        assert page.total == 250
        seen += ids(page)
        pages += 1
        after = page.next_after
        if after is None:
            break
    assert len(seen) == 250 and len(set(seen)) == 250 and pages == 13


def test_range_location_and_availability_filters(engine: Any) -> None:
    load(
        engine,
        [
            candidate(1, years=0),
            candidate(2, years=5, location="Bilbao"),
            candidate(3, years=10),
            candidate(4, years=60, availability="UNAVAILABLE"),
        ],
    )
    assert sorted(ids(engine.search_candidates(CandidateQuery(min_experience=5, max_experience=10)))) == [
        "c-00002",
        "c-00003",
    ]
    assert ids(engine.search_candidates(CandidateQuery(location="Bilbao"))) == ["c-00002"]
    assert ids(engine.search_candidates(CandidateQuery(location="bilbao"))) == []  # keyword: exact
    assert ids(engine.search_candidates(CandidateQuery(availability="UNAVAILABLE"))) == ["c-00004"]


def test_query_syntax_in_text_is_searched_literally(engine: Any) -> None:
    load(engine, [candidate(1, name="Ana", summary="python"), candidate(2, name="Bob", summary="java")])
    for hostile in ["name:Ana OR *:*", '{"match_all": {}}', 'python" OR "java', "* AND NOT", "Ana) OR (java"]:
        page = engine.search_candidates(CandidateQuery(text=hostile))
        expected = {"c-00001"} if ("Ana" in hostile or "python" in hostile) else set()
        if "java" in hostile:
            expected.add("c-00002")
        assert set(ids(page)) == expected, hostile


def test_updates_replace_and_older_versions_never_win(engine: Any) -> None:
    load(engine, [candidate(1, name="Old Name", version=1)])
    load(engine, [candidate(1, name="New Name", version=3)])
    load(engine, [candidate(1, name="Stale Name", version=2)])  # a late redelivery
    page = engine.search_candidates(CandidateQuery(text="name"))
    assert [h.document["name"] for h in page.hits] == ["New Name"]
    engine.delete(CANDIDATES, ["c-00001", "never-existed"])
    engine.refresh()
    assert engine.search_candidates(CandidateQuery()).total == 0


def test_job_matching_ranks_by_overlap_experience_location(engine: Any) -> None:
    load(
        engine,
        [
            candidate(1, skills=("python", "aws", "docker"), years=1, location="Bilbao"),  # 30
            candidate(2, skills=("python", "aws"), years=5, location="Madrid"),  # 20+5+3 = 28
            candidate(3, skills=("python",), years=5, location="Madrid"),  # 10+5+3 = 18
            candidate(4, skills=("python", "aws", "docker"), years=9, availability="UNAVAILABLE"),
            candidate(5, skills=("java",), years=9, location="Madrid"),
        ],
    )
    matches = engine.match_candidates(("python", "aws", "docker"), 3, "Madrid", 10)
    assert [(m.document["candidate_id"], m.score, m.matched_skills) for m in matches] == [
        ("c-00001", 30.0, ["python", "aws", "docker"]),
        ("c-00002", 28.0, ["python", "aws"]),
        ("c-00003", 18.0, ["python"]),
    ]
    assert len(engine.match_candidates(("python",), 0, "X", 2)) == 2


def test_rebuild_switches_generations_without_an_empty_window(engine: Any) -> None:
    docs = [candidate(n) for n in range(300)]
    load(engine, docs[:10] + [candidate(999)])  # the live index has a document the source no longer has
    source = [as_candidate(d) for d in docs]
    # While the copy runs, the system of record moves on: c-00005 is deleted, c-00007 is edited.
    during = [c for c in source if c.candidate_id != "c-00005"]
    during[6] = dataclasses.replace(
        during[6], name="Changed Name", version=2, updated_at="2999-01-01T00:00:00.000Z"
    )
    reads = iter([source, during])
    stop, empty_seen, searches = threading.Event(), [], [0]

    def search_meanwhile() -> None:
        while not stop.is_set():
            try:
                if engine.search_candidates(CandidateQuery(limit=1)).total == 0:
                    empty_seen.append("empty")
            except Exception as error:  # noqa: BLE001 - a failed search is as bad as an empty one
                empty_seen.append(repr(error))
            searches[0] += 1

    watcher = threading.Thread(target=search_meanwhile)
    watcher.start()
    try:
        report = rebuild(CANDIDATES, lambda: iter(next(reads)), engine)
    finally:
        stop.set()
        watcher.join()
    assert empty_seen == [] and searches[0] > 0
    assert (report.copied, report.caught_up, report.removed) == (300, 1, 1)
    assert engine.count(CANDIDATES) == 299
    assert {"c-00999", "c-00005"}.isdisjoint(engine.ids(CANDIDATES))
    assert [
        h.document["candidate_id"] for h in engine.search_candidates(CandidateQuery(text="changed")).hits
    ] == ["c-00007"]


def as_candidate(document: dict[str, Any]) -> Candidate:
    values = {k: v for k, v in document.items() if k != "version"}
    return Candidate(
        **{**values, "skills": tuple(values["skills"]), "availability": Availability(values["availability"])},
        version=document["version"],
    )
