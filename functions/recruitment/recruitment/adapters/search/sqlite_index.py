"""The embedded search engine: SQLite FTS5 (in the standard library — no JVM, no extra wheel).

Why FTS5 rather than tantivy: it ships with CPython, has BM25 with per-column weights (the name boost)
and a tokenizer close to OpenSearch's standard analyzer (``unicode61``, diacritics kept), and plain
SQL does the filters, exact facet counts, keyset ("search_after") pagination and match scoring.
One file, WAL mode: the API and the stream indexer of the local cloud share it safely.

Layout per kind and generation ``g`` (a rebuild fills a new generation, then ``alias`` switches):
``<kind>_<g>_docs`` (rowid, id, version, JSON doc, filter columns), ``<kind>_<g>_skills`` (rowid,
skill) and, for candidates, ``<kind>_<g>_fts`` (FTS5 over name, profile_summary; rowid = docs.rowid).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from recruitment.adapters.search import sqlite_queries as queries
from recruitment.application.ports import CANDIDATES, JOBS
from recruitment.domain.search import (
    CandidateQuery,
    Match,
    SearchPage,
)

KINDS = {
    CANDIDATES: ("candidate_id", "skills", "experience_years"),
    JOBS: ("job_id", "required_skills", "experience_required"),
}


class SqliteSearchIndex:
    def __init__(self, path: str, prefix: str = "") -> None:
        self._path = path
        self._prefix = "".join(ch if ch.isalnum() else "_" for ch in prefix)
        self._local = threading.local()
        Path(path).parent.mkdir(parents=True, exist_ok=True)

    # ------------------------------------------------------------------ plumbing
    @property
    def _db(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(
                self._path, timeout=30, isolation_level=None, check_same_thread=False
            )
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            self._local.connection = connection
        return connection

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: the live generation and the tables it names stay consistent even if a
        rebuild switches generations and drops the old tables meanwhile (WAL readers keep their snapshot)."""
        db = self._db
        db.execute("BEGIN")
        try:
            yield db
        finally:
            db.execute("COMMIT")

    def _alias_table(self) -> str:
        return f"{self._prefix}alias"

    def _live(self, kind: str) -> str:
        row = self._db.execute(
            f"SELECT generation FROM {self._alias_table()} WHERE kind = ?", (kind,)
        ).fetchone()
        if row is None:
            raise RuntimeError(f"search index for {kind} missing: call ensure()")
        return row[0]

    def _tables(self, kind: str, generation: str) -> tuple[str, str, str]:
        base = f"{self._prefix}{kind}_{generation}"
        return f"{base}_docs", f"{base}_skills", f"{base}_fts"

    def _create(self, kind: str, generation: str) -> None:
        docs, skills, fts = self._tables(kind, generation)
        self._db.executescript(f"""
            CREATE TABLE IF NOT EXISTS {docs} (
                rowid INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, version INTEGER NOT NULL,
                doc TEXT NOT NULL, experience INTEGER, location TEXT, availability TEXT);
            CREATE TABLE IF NOT EXISTS {skills} (
                rowid INTEGER NOT NULL, skill TEXT NOT NULL, PRIMARY KEY (skill, rowid)
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS {skills}_by_row ON {skills} (rowid);
            CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(name, profile_summary,
                tokenize = 'unicode61 remove_diacritics 0');
        """)

    # ------------------------------------------------------------------ lifecycle
    def ensure(self) -> None:
        self._db.execute(
            f"CREATE TABLE IF NOT EXISTS {self._alias_table()} (kind TEXT PRIMARY KEY, generation TEXT)"
        )
        for kind in KINDS:
            self._create(kind, "g000001")
            self._db.execute(f"INSERT OR IGNORE INTO {self._alias_table()} VALUES (?, 'g000001')", (kind,))

    def refresh(self) -> None:
        """Writes are visible on commit; nothing to do."""

    def new_generation(self, kind: str) -> str:
        current = int(self._live(kind)[1:])
        generation = f"g{current + 1:06d}"
        self._drop(kind, generation)
        self._create(kind, generation)
        return generation

    def activate(self, kind: str, generation: str) -> str | None:
        """Switch and drop the old generation in one write transaction (readers keep their snapshot)."""
        with self._writing():
            previous = self._live(kind)
            self._db.execute(
                f"UPDATE {self._alias_table()} SET generation = ? WHERE kind = ?", (generation, kind)
            )
            if previous != generation:
                self._drop(kind, previous)
        return previous

    def _drop(self, kind: str, generation: str) -> None:
        for table in self._tables(kind, generation):
            self._db.execute(f"DROP TABLE IF EXISTS {table}")

    # ------------------------------------------------------------------ writes
    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (the live generation is read inside it, so a switch cannot slip between)."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def upsert(self, kind: str, documents: list[dict[str, Any]]) -> None:
        with self._writing():
            self._write_rows(kind, self._live(kind), documents)

    def write(self, kind: str, generation: str, documents: list[dict[str, Any]]) -> None:
        with self._writing():
            self._write_rows(kind, generation, documents)

    def _write_rows(self, kind: str, generation: str, documents: list[dict[str, Any]]) -> None:
        id_field, skills_field, experience_field = KINDS[kind]
        docs, skills, fts = self._tables(kind, generation)
        db = self._db
        for document in documents:
            row = db.execute(
                f"SELECT rowid, version FROM {docs} WHERE id = ?", (document[id_field],)
            ).fetchone()
            if row is not None and row[1] > document["version"]:
                continue  # never replace a newer version with an older one
            if row is not None:
                self._remove_row(kind, generation, row[0])
            rowid = db.execute(
                f"INSERT INTO {docs} (id, version, doc, experience, location, availability) VALUES "
                "(?,?,?,?,?,?)",
                (
                    document[id_field],
                    document["version"],
                    json.dumps(document),
                    document[experience_field],
                    document["location"],
                    document.get("availability"),
                ),
            ).lastrowid
            db.executemany(
                f"INSERT OR IGNORE INTO {skills} VALUES (?, ?)",
                [(rowid, skill) for skill in document[skills_field]],
            )
            if kind == CANDIDATES:
                db.execute(
                    f"INSERT INTO {fts} (rowid, name, profile_summary) VALUES (?, ?, ?)",
                    (rowid, document["name"], document.get("profile_summary") or ""),
                )

    def delete(self, kind: str, ids: list[str]) -> None:
        with self._writing() as db:
            generation = self._live(kind)
            docs = self._tables(kind, generation)[0]
            for document_id in ids:
                row = db.execute(f"SELECT rowid FROM {docs} WHERE id = ?", (document_id,)).fetchone()
                if row is not None:
                    self._remove_row(kind, generation, row[0])

    def _remove_row(self, kind: str, generation: str, rowid: int) -> None:
        docs, skills, fts = self._tables(kind, generation)
        self._db.execute(f"DELETE FROM {docs} WHERE rowid = ?", (rowid,))
        self._db.execute(f"DELETE FROM {skills} WHERE rowid = ?", (rowid,))
        if kind == CANDIDATES:
            self._db.execute(f"DELETE FROM {fts} WHERE rowid = ?", (rowid,))

    def ids(self, kind: str) -> set[str]:
        with self._snapshot() as db:
            docs = self._tables(kind, self._live(kind))[0]
            return {row[0] for row in db.execute(f"SELECT id FROM {docs}")}

    def count(self, kind: str) -> int:
        with self._snapshot() as db:
            return db.execute(f"SELECT COUNT(*) FROM {self._tables(kind, self._live(kind))[0]}").fetchone()[0]

    # ------------------------------------------------------------------ reads
    def search_candidates(self, query: CandidateQuery) -> SearchPage:
        with self._snapshot() as db:  # one snapshot: total, page and facets agree
            docs, skills, fts = self._tables(CANDIDATES, self._live(CANDIDATES))
            return queries.search(db, docs, skills, fts, query)

    def match_candidates(
        self, required: tuple[str, ...], experience: int, location: str, limit: int
    ) -> list[Match]:
        if not required:
            return []
        with self._snapshot() as db:
            docs, skills, _ = self._tables(CANDIDATES, self._live(CANDIDATES))
            return queries.match(db, docs, skills, required, experience, location, limit)
