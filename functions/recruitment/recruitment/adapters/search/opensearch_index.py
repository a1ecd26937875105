"""The OpenSearch adapter (opensearch-py): versioned indices behind aliases, bulk writes, search.

``<prefix>candidates`` and ``<prefix>jobs`` are aliases onto ``…-000001``, ``…-000002``, … so a rebuild
fills a new index and swaps the alias atomically (no window without results). One shard: facet
counts are exact and BM25 statistics are the same for every query. Documents are indexed with
``version_type=external_gte`` on the item's own version, so a late or replayed write never
replaces a newer document.
"""

from __future__ import annotations

from typing import Any

from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import NotFoundError, RequestError

from recruitment.application.ports import CANDIDATES, JOBS
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

ID_FIELDS = {CANDIDATES: "candidate_id", JOBS: "job_id"}
_KEYWORD, _TEXT, _INT = {"type": "keyword"}, {"type": "text", "analyzer": "standard"}, {"type": "integer"}
# facet fields: global ordinals built at refresh, not on the first aggregation after it (p95 27.8 → 24.7 ms
# on 100k candidates in benchmarks/bench_search.py)
_FACET = {"type": "keyword", "eager_global_ordinals": True}
MAPPINGS = {
    CANDIDATES: {
        "dynamic": "strict",
        "properties": {
            "candidate_id": _KEYWORD,
            "name": _TEXT,
            "email": {"type": "keyword", "index": False},
            "skills": _FACET,
            "experience_years": _INT,
            "location": _FACET,
            "availability": _FACET,
            "profile_summary": _TEXT,
            "created_at": {"type": "date"},
            "updated_at": {"type": "date"},
            "version": {"type": "long"},
        },
    },
    JOBS: {
        "dynamic": "strict",
        "properties": {
            "job_id": _KEYWORD,
            "partner_id": _KEYWORD,
            "title": _TEXT,
            "description": _TEXT,
            "required_skills": _KEYWORD,
            "experience_required": _INT,
            "location": _KEYWORD,
            "status": _KEYWORD,
            "created_at": {"type": "date"},
            "updated_at": {"type": "date"},
            "version": {"type": "long"},
        },
    },
}


class OpenSearchIndex:
    def __init__(self, client: OpenSearch, prefix: str = "", refresh_interval: str = "1s") -> None:
        self._client = client
        self._prefix = prefix.lower()
        self._refresh_interval = refresh_interval

    def _alias(self, kind: str) -> str:
        return f"{self._prefix}{kind}"

    def _index_body(self, kind: str) -> dict[str, Any]:
        return {
            "settings": {
                "index": {
                    "number_of_shards": 1,
                    "number_of_replicas": 0,
                    "refresh_interval": self._refresh_interval,
                }
            },
            "mappings": MAPPINGS[kind],
        }

    # ------------------------------------------------------------------ lifecycle
    def ensure(self) -> None:
        """Create the first generation and its alias if missing; safe when cold starts race."""
        for kind in (CANDIDATES, JOBS):
            if self._client.indices.exists_alias(name=self._alias(kind)):
                continue
            first = f"{self._alias(kind)}-000001"
            try:
                self._client.indices.create(index=first, body=self._index_body(kind))
            except RequestError as error:
                if error.error != "resource_already_exists_exception":
                    raise
            self._client.indices.put_alias(index=first, name=self._alias(kind))

    def refresh(self) -> None:
        self._client.indices.refresh(index=",".join(self._alias(k) for k in (CANDIDATES, JOBS)))

    def _live(self, kind: str) -> str:
        return next(iter(self._client.indices.get_alias(name=self._alias(kind))))

    def new_generation(self, kind: str) -> str:
        number = int(self._live(kind).rsplit("-", 1)[1]) + 1
        generation = f"{self._alias(kind)}-{number:06d}"
        if self._client.indices.exists(index=generation):
            self._client.indices.delete(index=generation)
        body = self._index_body(kind)
        body["settings"]["index"]["refresh_interval"] = "-1"  # bulk load first, refresh once at activation
        self._client.indices.create(index=generation, body=body)
        return generation

    def activate(self, kind: str, generation: str) -> str | None:
        """Make the rebuilt generation live: refresh, merge to one segment (it is not serving yet, and
        one segment answers faster: p95 24.7 → 20.1 ms at 100k), then swap the alias atomically."""
        self._client.indices.put_settings(
            index=generation, body={"index": {"refresh_interval": self._refresh_interval}}
        )
        self._client.indices.refresh(index=generation)
        self._client.indices.forcemerge(index=generation, max_num_segments=1, request_timeout=600)
        previous = self._live(kind)
        self._client.indices.update_aliases(
            body={
                "actions": [
                    {"remove": {"index": previous, "alias": self._alias(kind)}},
                    {"add": {"index": generation, "alias": self._alias(kind)}},
                ]
            }
        )
        if previous != generation:
            self._client.indices.delete(index=previous, ignore_unavailable=True)
        return previous

    # ------------------------------------------------------------------ writes
    def upsert(self, kind: str, documents: list[dict[str, Any]]) -> None:
        self.write(kind, self._alias(kind), documents)

    def write(self, kind: str, generation: str, documents: list[dict[str, Any]]) -> None:
        actions = (
            {
                "_op_type": "index",
                "_index": generation,
                "_id": doc[ID_FIELDS[kind]],
                "version": doc["version"],
                "version_type": "external_gte",
                "_source": doc,
            }
            for doc in documents
        )
        self._bulk(actions, ignorable={409})

    def delete(self, kind: str, ids: list[str]) -> None:
        self._bulk(
            ({"_op_type": "delete", "_index": self._alias(kind), "_id": i} for i in ids), ignorable={404}
        )

    def _bulk(self, actions: Any, ignorable: set[int]) -> None:
        failures = []
        for ok, item in helpers.streaming_bulk(
            self._client,
            actions,
            chunk_size=500,
            raise_on_error=False,
            raise_on_exception=True,
            max_retries=3,
        ):
            result = next(iter(item.values()))
            if not ok and result.get("status") not in ignorable:
                failures.append(result)
        if failures:
            raise RuntimeError(f"{len(failures)} search index write(s) failed, first: {failures[0]}")

    def ids(self, kind: str) -> set[str]:
        return {
            hit["_id"]
            for hit in helpers.scan(
                self._client, index=self._alias(kind), query={"_source": False}, size=1000
            )
        }

    def count(self, kind: str) -> int:
        return int(self._client.count(index=self._alias(kind))["count"])

    # ------------------------------------------------------------------ reads
    def search_candidates(self, query: CandidateQuery) -> SearchPage:
        terms = words(query.text)
        body: dict[str, Any] = {
            "query": {"bool": {"filter": self._filters(query)}},
            "sort": [{"_score": "desc"}, {"candidate_id": "asc"}],
            "track_total_hits": True,
            "size": query.limit,
            "aggs": {
                name: {
                    "terms": {
                        "field": name,
                        "size": FACET_SIZE,
                        "order": [{"_count": "desc"}, {"_key": "asc"}],
                    }
                }
                for name in ("skills", "location", "availability")
            },
        }
        if terms:
            body["query"]["bool"]["must"] = [
                {
                    "multi_match": {
                        "query": " ".join(terms),
                        "operator": "or",
                        "fields": [f"name^{NAME_BOOST}", "profile_summary"],
                    }
                }
            ]
            body["highlight"] = {
                "pre_tags": ["<em>"],
                "post_tags": ["</em>"],
                "fields": {"name": {"number_of_fragments": 0}, "profile_summary": {"number_of_fragments": 0}},
            }
        if query.after is not None:
            body["search_after"] = [query.after[0], query.after[1]]
        response = self._client.search(index=self._alias(CANDIDATES), body=body)
        hits = [
            Hit(hit["_source"], float(hit["sort"][0]), hit.get("highlight", {}))
            for hit in response["hits"]["hits"]
        ]
        facets = {
            name: {b["key"]: b["doc_count"] for b in agg["buckets"]}
            for name, agg in response["aggregations"].items()
        }
        next_after = None
        if len(hits) == query.limit:
            last = response["hits"]["hits"][-1]["sort"]
            next_after = (float(last[0]), str(last[1]))
        return SearchPage(
            total=response["hits"]["total"]["value"], hits=hits, facets=facets, next_after=next_after
        )

    @staticmethod
    def _filters(query: CandidateQuery) -> list[dict[str, Any]]:
        filters: list[dict[str, Any]] = [{"term": {"skills": skill}} for skill in query.skills]
        bounds = {
            k: v for k, v in (("gte", query.min_experience), ("lte", query.max_experience)) if v is not None
        }
        if bounds:
            filters.append({"range": {"experience_years": bounds}})
        for field, value in (("location", query.location), ("availability", query.availability)):
            if value is not None:
                filters.append({"term": {field: value}})
        return filters

    def match_candidates(
        self, required: tuple[str, ...], experience: int, location: str, limit: int
    ) -> list[Match]:
        if not required:
            return []
        should = [
            {"constant_score": {"filter": {"term": {"skills": skill}}, "boost": SKILL_POINTS}}
            for skill in required
        ]
        should += [
            {
                "constant_score": {
                    "filter": {"range": {"experience_years": {"gte": experience}}},
                    "boost": EXPERIENCE_POINTS,
                }
            },
            {"constant_score": {"filter": {"term": {"location": location}}, "boost": LOCATION_POINTS}},
        ]
        body = {
            "query": {
                "bool": {
                    "filter": [{"terms": {"skills": list(required)}}],
                    "must_not": [{"term": {"availability": "UNAVAILABLE"}}],
                    "should": should,
                }
            },
            "sort": [{"_score": "desc"}, {"candidate_id": "asc"}],
            "size": limit,
        }
        try:
            response = self._client.search(index=self._alias(CANDIDATES), body=body)
        except NotFoundError:
            return []
        return [
            Match(
                hit["_source"], float(hit["sort"][0]), [s for s in required if s in hit["_source"]["skills"]]
            )
            for hit in response["hits"]["hits"]
        ]
