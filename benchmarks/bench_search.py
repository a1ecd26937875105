"""Search benchmark (not a test): `python benchmarks/bench_search.py [--docs 100000] [--opensearch URL]`.

* bulk-index N generated candidates into the embedded engine (in its own process, so its peak RSS is
  its own) and into OpenSearch (a new index generation, bulk, refresh — the reindex path): docs/s;
* 500 mixed queries on each (text, text+filters, filters, skills, each with facets, highlights,
  exact totals) plus following one cursor page: p50/p95;
* create → searchable through the whole stream path on `hexa up --search-endpoint <OpenSearch>`.

Targets (issue #4): OpenSearch search p95 < 30 ms; create → searchable p95 < 1.5 s locally.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from harness import ROOT, local_cloud, percentiles, print_row, session, wait_until

sys.path.insert(0, str(ROOT / "functions" / "recruitment"))

from recruitment.application.ports import CANDIDATES  # noqa: E402
from search_corpus import candidates, queries  # noqa: E402


def measure(index, docs: list[dict], mix: list) -> dict:  # noqa: ANN001
    generation = index.new_generation(CANDIDATES)
    started = time.perf_counter()
    for start in range(0, len(docs), 1000):
        index.write(CANDIDATES, generation, docs[start : start + 1000])
    index.activate(CANDIDATES, generation)
    index.refresh()
    load_seconds = time.perf_counter() - started
    assert index.count(CANDIDATES) == len(docs)
    for query in mix[:20]:  # warm caches the way a running service is warm
        index.search_candidates(query)
    first, following, totals = [], [], 0
    for query in mix:
        t = time.perf_counter()
        page = index.search_candidates(query)
        first.append(time.perf_counter() - t)
        totals += page.total
        if page.next_after is not None:
            t = time.perf_counter()
            index.search_candidates(query.__class__(**{**query.__dict__, "after": page.next_after}))
            following.append(time.perf_counter() - t)
    return {
        "docs_per_s": len(docs) / load_seconds,
        "load_s": load_seconds,
        "search": percentiles(first),
        "next_page": percentiles(following),
        "mean_total": totals / len(mix),
    }


def embedded_child(docs_count: int, path: str) -> None:
    """Runs in its own process: build and query the embedded engine, print JSON with peak RSS."""
    import resource

    from recruitment.adapters.search.sqlite_index import SqliteSearchIndex

    index = SqliteSearchIndex(path, "bench_")
    index.ensure()
    result = measure(index, candidates(docs_count), queries(500))
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["db_mb"] = (
        sum(Path(path + s).stat().st_size for s in ("", "-wal") if Path(path + s).exists()) / 2**20
    )
    print(json.dumps(result))


def opensearch_rss_mb() -> float | None:
    pid_files = list(
        Path(os.environ.get("HEXA_CACHE", Path.home() / ".cache" / "hexabuilders")).glob("**/*.pid")
    )
    for pid_file in pid_files:
        try:
            status = Path(f"/proc/{pid_file.read_text().strip()}/status").read_text()
        except (OSError, ValueError):
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--opensearch", default=os.environ.get("OPENSEARCH_URL", "http://127.0.0.1:9200"))
    parser.add_argument("--flows", type=int, default=40)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return embedded_child(args.docs, args.child)

    db = Path(tempfile.mkdtemp(prefix="hexa-search-bench-")) / "search.db"
    out = subprocess.run(
        [sys.executable, __file__, "--docs", str(args.docs), "--child", str(db)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    embedded = json.loads(out.stdout.strip().splitlines()[-1])

    from opensearchpy import OpenSearch

    from recruitment.adapters.search.opensearch_index import OpenSearchIndex

    client = OpenSearch(hosts=[args.opensearch], timeout=120)
    prefix = f"bench-{uuid.uuid4().hex[:6]}-"
    index = OpenSearchIndex(client, prefix)
    index.ensure()
    try:
        opensearch = measure(index, candidates(args.docs), queries(500))
    finally:
        client.indices.delete(index=f"{prefix}*", ignore_unavailable=True)

    flow = create_to_searchable(args.opensearch, args.flows)

    print(f"\nbulk index {args.docs:,} candidates:")
    print(
        f"  embedded (SQLite FTS5)   {embedded['docs_per_s']:9,.0f} docs/s   ({embedded['load_s']:.1f} s, "
        f"file {embedded['db_mb']:.0f} MB, peak RSS {embedded['peak_rss_mb']:.0f} MB)"
    )
    rss = opensearch_rss_mb()
    print(
        f"  OpenSearch 2.19          {opensearch['docs_per_s']:9,.0f} docs/s   ({opensearch['load_s']:.1f} s"
        f"{f', server peak RSS {rss:.0f} MB' if rss else ''})"
    )
    print(
        "\n500 mixed queries (first page of 20; facets + highlights + exact totals), then each next cursor "
        "page:"
    )
    print_row("embedded (SQLite FTS5)", embedded["search"], f"mean total {embedded['mean_total']:,.0f}")
    print_row("  … next page", embedded["next_page"])
    verdict = "ok" if opensearch["search"]["p95"] < 30 else "MISS"
    print_row("OpenSearch 2.19", opensearch["search"], f"[target p95 < 30 ms: {verdict}]")
    print_row("  … next page", opensearch["next_page"])
    print(
        f"  ratio p95 embedded / OpenSearch: {embedded['search']['p95'] / opensearch['search']['p95']:.1f}×"
    )
    verdict = "ok" if flow["p95"] < 1500 else "MISS"
    print_row(
        "create → searchable",
        flow,
        f"(stream → indexer → OpenSearch, refresh 500 ms locally) [target p95 < 1.5 s: {verdict}]",
    )


def create_to_searchable(opensearch: str, flows: int) -> dict:
    with local_cloud("hexa-bench-search", "--search-endpoint", opensearch) as info:
        api, http = info["api_url"], session(info["admin_token"])
        samples = []
        for _ in range(flows):
            word = f"w{uuid.uuid4().hex[:10]}"
            started = time.perf_counter()
            http.post(
                f"{api}/candidates",
                json={
                    "name": "Bench",
                    "skills": ["python"],
                    "experience_years": 3,
                    "location": "Madrid",
                    "availability": "IMMEDIATE",
                    "profile_summary": word,
                },
            ).raise_for_status()
            wait_until(
                lambda: http.get(f"{api}/candidates/search", params={"q": word}).json()["total"], 10, 0.01
            )
            samples.append(time.perf_counter() - started)
        return percentiles(samples)


if __name__ == "__main__":
    main()
