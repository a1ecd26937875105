"""The AWS facade (``FacadeFunction`` behind ``FacadeApi``, deployed while ``Coexistence`` is enabled):
the URL clients use during the migration, in front of the monolith (``BLUE_URL``) and the platform's
API (``GREEN_URL``). ``FacadeApi`` has the platform's front door (JWT authorizer, throttling, access
logs); both sides check the token again.

The same routing code as the local facade (:func:`facade.cohorts.route`) and the same traffic state
(:class:`facade.state.TrafficState`, ``TrafficStateTable``, cached a second per instance). Thin: read
the request (API Gateway's REST proxy event; ``FacadeApi`` treats every body as binary, so bytes pass
through untouched both ways), pick the side, forward it over a pooled connection, answer with
``X-Served-By``; a side that does not answer is a JSON 502 naming it. Headers API Gateway adds are not
forwarded.
"""

from __future__ import annotations

import base64
import functools
import json
import os
import random
import time
from typing import Any
from urllib.parse import quote, urlencode

import urllib3

from facade.cohorts import route
from facade.state import TrafficState
from hexa_shared import metrics

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "host",
}
_http = urllib3.PoolManager(maxsize=16, retries=False, timeout=urllib3.Timeout(connect=2.0, read=25.0))


@functools.lru_cache(maxsize=None)
def _state() -> TrafficState:
    return TrafficState(os.environ["TRAFFIC_STATE_TABLE"])


def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """REST proxy event → blue or green → the side's answer, unchanged but for X-Served-By.
    Each answer is an EMF metric of service ``facade.blue|green``: the migration alarms read those."""
    started = time.perf_counter()
    answer = _forward(event)
    path = event["path"]
    resource = path.split("/")[1] if path.startswith("/") else ""
    metrics.record_request(
        f"facade.{answer['headers']['X-Served-By']}",
        f"{event['httpMethod']} /{resource}",
        answer["statusCode"],
        (time.perf_counter() - started) * 1000,
    )
    return answer


def _headers(event: dict[str, Any]) -> dict[str, str]:
    multi = event.get("multiValueHeaders") or {}
    single = {k: ", ".join(v) for k, v in multi.items()} if multi else dict(event.get("headers") or {})
    return {k: v for k, v in single.items() if not k.lower().startswith("x-amzn-")}


def _query(event: dict[str, Any]) -> str:
    multi = event.get("multiValueQueryStringParameters") or {}
    pairs = [(k, v) for k, values in multi.items() for v in values] or list(
        (event.get("queryStringParameters") or {}).items()
    )
    return f"?{urlencode(pairs)}" if pairs else ""


def _forward(event: dict[str, Any]) -> dict[str, Any]:
    raw = event.get("body") or ""
    body = base64.b64decode(raw) if event.get("isBase64Encoded") else raw.encode()
    headers = _headers(event)
    path = quote(event["path"], safe="/:@!$&'()*+,;=-._~")
    chosen = route(
        event["path"], body, headers, _state().current().green_percent, lambda: random.random() * 100
    )
    base = os.environ["BLUE_URL" if chosen.side == "blue" else "GREEN_URL"].rstrip("/")
    forward = {k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP}
    try:
        answer = _http.request(
            event["httpMethod"],
            f"{base}{path}{_query(event)}",
            body=body or None,
            headers=forward,
            redirect=False,
        )
    except urllib3.exceptions.HTTPError:
        return {
            "statusCode": 502,
            "headers": {"Content-Type": "application/json", "X-Served-By": chosen.side},
            "body": json.dumps(
                {"error": {"code": "bad_gateway", "message": f"{chosen.side} did not answer", "details": []}}
            ),
        }
    out = {
        k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP and k.lower() != "x-served-by"
    }
    return {
        "statusCode": answer.status,
        "headers": {**out, "X-Served-By": chosen.side},
        "body": base64.b64encode(answer.data).decode(),
        "isBase64Encoded": True,
    }
