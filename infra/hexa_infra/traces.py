"""``hexa traces``: read the running local cloud's traces from its X-Ray daemon stand-in and draw them.

``hexa up`` runs in another process, so the traces are read over the daemon port's loopback HTTP
(``GET /traces``, see ``hexa_infra.local.xray_daemon``). Each trace prints as a tree: segment →
subsegments → the segments that continued it, each with its start offset in the trace and duration.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

from rich.markup import escape
from rich.tree import Tree

DEFAULT_DAEMON_ADDRESS = "127.0.0.1:2000"


def daemon_address() -> str:
    """``AWS_XRAY_DAEMON_ADDRESS`` (its TCP part if it names one), else the daemon's default."""
    value = os.environ.get("AWS_XRAY_DAEMON_ADDRESS", DEFAULT_DAEMON_ADDRESS)
    for part in value.split():
        if part.startswith("tcp:"):
            return part[len("tcp:") :]
    return value.split()[0].removeprefix("udp:")


def fetch(address: str, stack: str, **query: Any) -> list[dict[str, Any]]:
    """The traces matching ``query`` (trace_id, correlation_id, last); SystemExit if nothing answers."""
    return local_query(address, "traces", stack, **query)


def local_query(
    address: str, what: str, stack: str, *, method: str = "GET", body: Any = None, **query: Any
) -> Any:
    """``<method> /<what>`` on the running local cloud's loopback control port: its answer's first field."""
    params = urlencode({k: v for k, v in query.items() if v is not None})
    request = urllib.request.Request(
        f"http://{address}/{what}?{params}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    field = what.split("/")[0]
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - a loopback http URL we build
            answer = json.load(response)
    except urllib.error.HTTPError as error:
        raise SystemExit(f"the local cloud refused: {json.load(error).get('error', error)}") from None
    except (urllib.error.URLError, ValueError, OSError) as error:
        raise SystemExit(
            f"no local {field} at {address} ({error}). Is `make up` running? "
            "(a real X-Ray daemon on that port keeps its traces in AWS)"
        ) from None
    body = answer
    if body.get("stack") != stack:
        raise SystemExit(f"the {field} at {address} belong to stack '{body.get('stack')}', not '{stack}'")
    return body[field]


def tree(trace: dict[str, Any]) -> Tree:
    correlation = ", ".join(trace["correlation_ids"]) or "-"
    root = Tree(
        f"[bold]trace {trace['trace_id']}[/]  {trace['duration_ms']:.1f} ms  "
        f"{trace['documents']} segments/subsegments  correlation {escape(correlation)}"
    )
    for node in trace["roots"]:
        _add(root, node)
    return root


def _add(parent: Tree, node: dict[str, Any]) -> None:
    duration = "in progress" if node["duration_ms"] is None else f"{node['duration_ms']:.1f} ms"
    style = "red" if node["error"] else ("bold" if node["kind"] == "segment" else "")
    name = f"[{style}]{escape(node['name'])}[/]" if style else escape(node["name"])
    label = [name, escape(node["detail"]), f"[dim]+{node['start_ms']:.1f} ms[/]", f"[cyan]{duration}[/]"]
    branch = parent.add("  ".join(part for part in label if part))
    for child in node["children"]:
        _add(branch, child)
