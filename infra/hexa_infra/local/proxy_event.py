"""API Gateway's REST (v1) Lambda proxy event, built from one HTTP request, as handlers receive it."""

from __future__ import annotations

import base64
import time
from typing import Any
from urllib.parse import parse_qsl, unquote

from .routing import Route


def proxy_event(
    route: Route,
    method: str,
    path: str,
    query: str,
    params: dict[str, str],
    headers: list[tuple[str, str]],
    body: bytes,
    request_id: str,
    *,
    protocol: str,
    source_ip: str,
    account_id: str,
    authorizer: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``resource`` is the template's path (Chalice routes on it); repeated headers and query keys keep
    every value in the ``multiValue*`` maps and their last value in the single-value ones; a body that is
    not UTF-8 travels base64-encoded."""
    multi_headers: dict[str, list[str]] = {}
    for name, value in headers:
        multi_headers.setdefault(name, []).append(value)
    multi_query: dict[str, list[str]] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        multi_query.setdefault(name, []).append(value)
    try:
        text: str | None = body.decode("utf-8") if body else None
        encoded = False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode(), True
    now = time.time()
    single = {k.lower(): v[-1] for k, v in multi_headers.items()}
    return {
        "resource": route.path,
        "path": unquote(path),
        "httpMethod": method,
        "headers": {k: v[-1] for k, v in multi_headers.items()},
        "multiValueHeaders": multi_headers,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": params or None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": route.path,
            "resourcePath": route.path,
            "httpMethod": method,
            "extendedRequestId": request_id,
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "path": f"/{route.stage}{unquote(path)}",
            "accountId": account_id,
            "protocol": protocol,
            "stage": route.stage,
            "domainPrefix": route.api_id,
            "requestTimeEpoch": int(now * 1000),
            "requestId": request_id,
            "identity": {"sourceIp": source_ip, "userAgent": single.get("user-agent")},
            "domainName": single.get("host", ""),
            "apiId": route.api_id,
            **({"authorizer": authorizer} if authorizer is not None else {}),
        },
        "body": text,
        "isBase64Encoded": encoded,
    }
