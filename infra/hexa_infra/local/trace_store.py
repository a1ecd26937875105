"""The segments the local X-Ray daemon received, grouped by trace, bounded, and read back as trees.

A segment document holds its closed subsegments nested; a subsegment streamed on its own (the SDK
does that for big or long segments, and Lambda for every subsegment) names its ``parent_id``. Both
are flattened into nodes keyed by id, so a trace's tree is whole whatever order they arrive in.
A node whose parent is not (yet) in the trace is a root. The oldest traces go first once more than
``max_documents`` nodes are kept.

Adding only queues the raw document, so the daemon's receive loop costs the process (whose GIL the
handlers share) next to nothing; a query parses and indexes what arrived since the last one.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict, deque
from collections.abc import Iterator
from typing import Any

__all__ = ["TraceStore"]


def _nodes(document: dict[str, Any], parent_id: str | None = None) -> Iterator[dict[str, Any]]:
    children = document.get("subsegments") or []
    node = {k: v for k, v in document.items() if k != "subsegments"}
    node.setdefault("parent_id", parent_id)
    yield node
    for child in children:
        yield from _nodes({**child, "trace_id": node.get("trace_id")}, node.get("id"))


def _detail(node: dict[str, Any]) -> str:
    parts = []
    request, response = (
        (node.get("http") or {}).get("request") or {},
        (node.get("http") or {}).get("response") or {},
    )
    if request:
        parts.append(" ".join(str(request[k]) for k in ("method", "url") if k in request))
    aws = node.get("aws") or {}
    if "operation" in aws:
        parts.append(" ".join(str(aws[k]) for k in ("operation", "table_name", "queue_url") if k in aws))
    if "status" in response:
        parts.append(str(response["status"]))
    parts += [f"{k}={v}" for k, v in (node.get("annotations") or {}).items()]
    links = ((node.get("metadata") or {}).get("hexa") or {}).get("linked_traces")
    if links:
        parts.append(f"+{len(links)} linked trace(s)")
    return "  ".join(p for p in parts if p)


class TraceStore:
    """Thread-safe: the daemon adds, the query endpoint reads."""

    def __init__(self, max_documents: int = 20_000) -> None:
        self.max_documents = max_documents
        self._arrived: deque[bytes | dict[str, Any]] = deque(maxlen=max_documents)
        self._traces: OrderedDict[str, dict[str, dict[str, Any]]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def add(self, document: bytes | dict[str, Any]) -> None:
        """Keep one segment or subsegment document (JSON text or parsed), with whatever it nests."""
        self._arrived.append(document)

    def __len__(self) -> int:
        with self._lock:
            self._absorb()
            return self._size

    def _absorb(self) -> None:
        while self._arrived:
            raw = self._arrived.popleft()
            try:
                document = json.loads(raw) if isinstance(raw, bytes) else raw
            except ValueError:
                continue
            if not isinstance(document, dict):
                continue
            for node in _nodes(document):
                if node.get("id") and node.get("trace_id"):
                    trace = self._traces.setdefault(node["trace_id"], {})
                    self._size += node["id"] not in trace
                    trace[node["id"]] = node
        while self._size > self.max_documents and len(self._traces) > 1:
            self._size -= len(self._traces.popitem(last=False)[1])

    def traces(
        self, *, trace_id: str | None = None, correlation_id: str | None = None, last: int | None = None
    ) -> list[dict[str, Any]]:
        """Trees of the matching traces, oldest first (``last``: only the N that started last)."""
        with self._lock:
            self._absorb()
            chosen = [dict(nodes) for tid, nodes in self._traces.items() if trace_id in (None, tid)]
        if correlation_id is not None:
            chosen = [
                t
                for t in chosen
                if any(
                    (n.get("annotations") or {}).get("correlation_id") == correlation_id for n in t.values()
                )
            ]
        chosen.sort(key=lambda nodes: min(n.get("start_time", 0) for n in nodes.values()))
        return [self._tree(t) for t in (chosen[-last:] if last else chosen)]

    @staticmethod
    def _tree(nodes: dict[str, dict[str, Any]]) -> dict[str, Any]:
        start = min(n.get("start_time", 0) for n in nodes.values())
        end = max(n.get("end_time") or n.get("start_time", 0) for n in nodes.values())
        children: dict[str | None, list[dict[str, Any]]] = {}
        for node in sorted(nodes.values(), key=lambda n: n.get("start_time", 0)):
            parent = node.get("parent_id") if node.get("parent_id") in nodes else None
            children.setdefault(parent, []).append(node)

        def view(node: dict[str, Any]) -> dict[str, Any]:
            ended = node.get("end_time")
            return {
                "id": node["id"],
                "name": node.get("name", "?"),
                "kind": node.get("type", "segment"),
                "start_ms": round((node.get("start_time", start) - start) * 1000, 1),
                "duration_ms": round((ended - node["start_time"]) * 1000, 1) if ended else None,
                "detail": _detail(node),
                "error": bool(node.get("error") or node.get("fault")),
                "children": [view(c) for c in children.get(node["id"], [])],
            }

        any_node = next(iter(nodes.values()))
        return {
            "trace_id": any_node["trace_id"],
            "start": start,
            "duration_ms": round((end - start) * 1000, 1),
            "documents": len(nodes),
            "correlation_ids": sorted(
                {
                    str(n["annotations"]["correlation_id"])
                    for n in nodes.values()
                    if "correlation_id" in (n.get("annotations") or {})
                }
            ),
            "roots": [view(r) for r in children.get(None, [])],
        }
