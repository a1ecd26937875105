"""The embedded engine's reads: full-text search with filters, exact facets and keyset pages, and the
job ↔ candidate match score, in SQL over one generation's tables (:mod:`.sqlite_index` owns them)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from recruitment.domain.search import (
    EXPERIENCE_POINTS,
    FACET_SIZE,
    LOCATION_POINTS,
    NAME_BOOST,
    SKILL_POINTS,
    CandidateQuery,
    Hit,
    Match,
    SearchPage,
    words,
)


def search(db: sqlite3.Connection, docs: str, skills: str, fts: str, query: CandidateQuery) -> SearchPage:
    """A page of candidates, the exact total and the facets, all from one snapshot (``db``'s)."""
    filters, params = _filters(query, docs, skills)
    terms = words(query.text)
    if terms:
        match = " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)
        matched = (
            f"SELECT d.rowid AS rowid, d.id AS id, -bm25({fts}, {NAME_BOOST}, 1.0) AS score "
            f"FROM {fts} JOIN {docs} d ON d.rowid = {fts}.rowid WHERE {fts} MATCH ? {filters}"
        )
        params = [match, *params]
    else:
        matched = f"SELECT d.rowid AS rowid, d.id AS id, 0.0 AS score FROM {docs} d WHERE 1 = 1 {filters}"
    try:
        db.execute("DROP TABLE IF EXISTS temp.matched")
        db.execute(f"CREATE TEMP TABLE matched AS {matched}", params)
        total = db.execute("SELECT COUNT(*) FROM temp.matched").fetchone()[0]
        page_filter, page_params = "", []
        if query.after is not None:
            page_filter = "WHERE m.score < ? OR (m.score = ? AND m.id > ?)"
            page_params = [query.after[0], query.after[0], query.after[1]]
        rows = db.execute(
            f"SELECT m.rowid, m.score, d.doc FROM temp.matched m JOIN {docs} d ON d.rowid = m.rowid "
            f"{page_filter} ORDER BY m.score DESC, m.id ASC LIMIT ?",
            [*page_params, query.limit],
        ).fetchall()
        hits = [Hit(json.loads(doc), score, _highlights(db, fts, rowid, terms)) for rowid, score, doc in rows]
        facets = {
            "skills": _facet(
                db, f"SELECT s.skill AS value FROM {skills} s JOIN temp.matched m ON m.rowid = s.rowid"
            ),
            "location": _facet(
                db, f"SELECT d.location AS value FROM {docs} d JOIN temp.matched m ON m.rowid = d.rowid"
            ),
            "availability": _facet(
                db, f"SELECT d.availability AS value FROM {docs} d JOIN temp.matched m ON m.rowid = d.rowid"
            ),
        }
    finally:
        db.execute("DROP TABLE IF EXISTS temp.matched")
    next_after = (hits[-1].score, hits[-1].document["candidate_id"]) if len(hits) == query.limit else None
    return SearchPage(total=total, hits=hits, facets=facets, next_after=next_after)


def _filters(query: CandidateQuery, docs: str, skills: str) -> tuple[str, list[Any]]:
    clauses, params = [], []
    if query.skills:
        marks = ",".join("?" * len(query.skills))
        clauses.append(
            f"d.rowid IN (SELECT rowid FROM {skills} WHERE skill IN ({marks}) GROUP BY rowid "
            f"HAVING COUNT(*) = ?)"
        )
        params += [*query.skills, len(query.skills)]
    for column, operator, value in (
        ("experience", ">=", query.min_experience),
        ("experience", "<=", query.max_experience),
        ("location", "=", query.location),
        ("availability", "=", query.availability),
    ):
        if value is not None:
            clauses.append(f"d.{column} {operator} ?")
            params.append(value)
    return "".join(f" AND {clause}" for clause in clauses), params


def _facet(db: sqlite3.Connection, values_sql: str) -> dict[str, int]:
    rows = db.execute(
        f"SELECT value, COUNT(*) AS n FROM ({values_sql}) GROUP BY value "
        f"ORDER BY n DESC, value ASC LIMIT {FACET_SIZE}"
    ).fetchall()
    return {value: n for value, n in rows}


def _highlights(db: sqlite3.Connection, fts: str, rowid: int, terms: list[str]) -> dict[str, list[str]]:
    if not terms:
        return {}
    match = " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)
    row = db.execute(
        f"SELECT highlight({fts}, 0, '<em>', '</em>'), highlight({fts}, 1, '<em>', '</em>') "
        f"FROM {fts} WHERE {fts} MATCH ? AND rowid = ?",
        (match, rowid),
    ).fetchone()
    if row is None:
        return {}
    return {field: [text] for field, text in zip(("name", "profile_summary"), row) if "<em>" in text}


def match(
    db: sqlite3.Connection,
    docs: str,
    skills: str,
    required: tuple[str, ...],
    experience: int,
    location: str,
    limit: int,
) -> list[Match]:
    marks = ",".join("?" * len(required))
    rows = db.execute(
        f"SELECT d.doc, COUNT(s.skill) * {SKILL_POINTS} "
        f"  + CASE WHEN d.experience >= ? THEN {EXPERIENCE_POINTS} ELSE 0 END"
        f"  + CASE WHEN d.location = ? THEN {LOCATION_POINTS} ELSE 0 END AS score "
        f"FROM {docs} d JOIN {skills} s ON s.rowid = d.rowid "
        f"WHERE s.skill IN ({marks}) AND d.availability != 'UNAVAILABLE' "
        f"GROUP BY d.rowid ORDER BY score DESC, d.id ASC LIMIT ?",
        [experience, location, *required, limit],
    ).fetchall()
    matches = []
    for doc, score in rows:
        document = json.loads(doc)
        matches.append(Match(document, float(score), [s for s in required if s in document["skills"]]))
    return matches
