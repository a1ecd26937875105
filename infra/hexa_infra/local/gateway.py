"""A local API Gateway (REST, proxy integration) serving every ``Type: Api`` event of the template.

Why our own server: moto's API Gateway never calls a Lambda, and ``chalice local`` serves one app,
whereas the template routes paths of several functions through one API. The routes come only from
the template, so a route missing there is missing locally too (404), as it would be after deploy.

Behaviour follows API Gateway where it matters to handlers: the v1 proxy event (with
``requestContext.resourcePath`` = the template path, which Chalice routes on), the most specific
resource wins (literal segment > ``{param}`` > ``{proxy+}``), a handler exception is a 502.
X-Ray as with ``TracingEnabled``: the function's segment continues the caller's ``X-Amzn-Trace-Id``
or starts a trace, records the request and status, and the response says ``X-Amzn-Trace-Id: Root=…``.
Every error the gateway itself answers (404, 405, and what ``http.server`` refuses: 400, 408, 413,
414, 431, 501, 505) is JSON in the API's error shape. Requests are read bounded in size and time with
strict framing (:mod:`.request_reading`); the listen backlog is 1024, so a burst of fresh connections
queues instead of being reset.
Before a function is invoked, the API's front door (:mod:`.front_door`, from the template) throttles
and runs the route's Lambda TOKEN authorizer; its refusals are the API's gateway responses.
Deviations: 404/405 bodies use the project's error envelope instead of API Gateway's
``{"message": "Missing Authentication Token"}`` 403, the stage is not part of the URL, there is no
request validation, and access logs are not written.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import time
import uuid
from collections.abc import Mapping
from http.server import ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import urlsplit

from hexa_shared import tracing as trace_headers
from hexa_shared.http.openapi import merge

from .faults import Fault
from .front_door import FrontDoor, Refused
from .http_handler import JsonHandler
from .functions import LocalFunction
from .proxy_event import proxy_event
from .threaded_server import ThreadedServer
from .request_reading import MAX_BODY_BYTES, REQUEST_DEADLINE, Watchdog
from .routing import Resource, Route, RouteTable
from .tracing import Traced

__all__ = ["Fault", "Gateway"]

log = logging.getLogger("hexa.local.gateway")

MERGED_SPEC_PATH = "/openapi.json"
CONTEXT_SPEC_PATH = re.compile(r"/openapi/[\w-]+\.json")


class _Handler(JsonHandler):
    """Turns one HTTP request into a proxy event, invokes the function, writes its response."""

    server_version = "hexa-local-apigw"
    gateway: Gateway

    def do_request(self) -> None:
        started = time.monotonic()
        request_id = str(uuid.uuid4())
        status = self._serve(request_id)
        log.debug(
            "%s %s -> %s (%.1f ms)",
            self.command,
            urlsplit(self.path).path,
            status,
            (time.monotonic() - started) * 1000,
        )

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_request

    def _serve(self, request_id: str) -> int:
        body = self._read_body(request_id)
        if isinstance(body, int):  # refused and answered already
            return body
        url = urlsplit(self.path)
        if url.path == MERGED_SPEC_PATH and self.command == "GET":
            return self._serve_merged_spec(request_id)
        extra = self.gateway.extras.get(url.path.split("/")[1] if url.path.count("/") else "")
        if extra is not None:  # the runtime's own pages (the dashboard), not template routes
            status, headers, payload = extra(self.command, url.path, self.headers.get)
            self._write(status, payload, headers, request_id)
            return status
        parts = [p for p in url.path.split("/") if p]
        resource, params = self.gateway.match(parts)
        if resource is None:
            return self._send_error(
                404, "route_not_found", f"No route for {self.command} {url.path}", request_id
            )
        route = resource.methods.get(self.command) or resource.methods.get("ANY")
        if route is None:
            allowed = ", ".join(sorted(resource.methods))
            return self._send_error(
                405,
                "method_not_allowed",
                f"{self.command} is not allowed on {resource.path} (allowed: {allowed})",
                request_id,
                {"Allow": allowed},
            )
        admitted = self.gateway.front_door.admit(route, self.command, url.path, self.headers.get, request_id)
        if isinstance(admitted, Refused):
            self._write(admitted.status, admitted.body, admitted.headers, request_id)
            return admitted.status
        fault = self.gateway.faults.get(route.function)
        if (
            fault is not None
        ):  # test/chaos switch (.faults): a stopped, stalled or failing owner, outside handlers
            if fault.down:
                return self._send_error(
                    503, "service_unavailable", f"{route.function} is stopped (fault injected)", request_id
                )
            if fault.fails_now():
                return self._send_error(
                    500, "internal_error", f"{route.function} failed (fault injected)", request_id
                )
            time.sleep(fault.stall)
        event = self._event(route, url.path, url.query, params, body, request_id, admitted.authorizer)
        function = self.gateway.functions[route.function]
        traced = self._traced(url.path)
        try:
            result = function.invoke(event, traced=traced)
        except Exception:
            log.exception("%s failed handling %s %s", route.function, self.command, url.path)
            return self._send_error(
                502, "bad_gateway", "The function failed (see the local cloud's log)", request_id
            )
        if not isinstance(result, dict) or "statusCode" not in result:
            log.error("%s returned a malformed proxy response (%s)", route.function, type(result).__name__)
            return self._send_error(502, "bad_gateway", "Malformed Lambda proxy response", request_id)
        return self._send_result(result, request_id, traced.trace_id)

    def _traced(self, path: str) -> Traced:
        """Continue the caller's ``X-Amzn-Trace-Id`` or start a trace, as API Gateway does with tracing on."""
        caller = self.headers.get("X-Amzn-Trace-Id")
        return Traced(
            header=caller if trace_headers.parse(caller) else None,  # API Gateway drops malformed ones
            http={
                "method": self.command,
                "url": self.gateway.url + path,
                "client_ip": self.client_address[0],
                "user_agent": self.headers.get("User-Agent"),
            },
        )

    def _serve_merged_spec(self, request_id: str) -> int:
        """``GET /openapi.json``: each context's own spec (same token rules), merged into one document."""
        specs = [r for r in self.gateway.routes if r.method == "GET" and CONTEXT_SPEC_PATH.fullmatch(r.path)]
        if specs:  # one request: throttled and authorized once, as each context's own document is
            admitted = self.gateway.front_door.admit(
                specs[0], "GET", MERGED_SPEC_PATH, self.headers.get, request_id
            )
            if isinstance(admitted, Refused):
                self._write(admitted.status, admitted.body, admitted.headers, request_id)
                return admitted.status
        documents = []
        for route in specs:
            try:
                result = self.gateway.functions[route.function].invoke(
                    self._event(route, route.path, "", {}, b"", request_id)
                )
            except Exception:
                log.exception("%s failed serving %s", route.function, route.path)
                return self._send_error(
                    502, "bad_gateway", "A context failed to serve its OpenAPI document", request_id
                )
            if int(result.get("statusCode", 502)) != 200:
                return self._send_result(result, request_id)
            documents.append(json.loads(result["body"]))
        if not documents:
            return self._send_error(
                404, "route_not_found", "No context serves an OpenAPI document", request_id
            )
        merged = merge("HexaBuilders API", "1.0.0", sorted(documents, key=lambda d: d["info"]["title"]))
        self._write(200, json.dumps(merged).encode(), [("Content-Type", "application/json")], request_id)
        return 200

    def _event(
        self,
        route: Route,
        path: str,
        query: str,
        params: dict[str, str],
        body: bytes,
        request_id: str,
        authorizer: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return proxy_event(
            route,
            self.command,
            path,
            query,
            params,
            list(self.headers.items()),
            body,
            request_id,
            protocol=self.request_version,
            source_ip=self.client_address[0],
            account_id=self.gateway.account_id,
            authorizer=authorizer,
        )

    def _send_result(self, result: dict[str, Any], request_id: str, trace_id: str | None = None) -> int:
        status = int(result["statusCode"])
        body = result.get("body")
        if body is None:
            payload = b""
        elif result.get("isBase64Encoded"):
            payload = base64.b64decode(body)
        else:
            payload = body.encode() if isinstance(body, str) else str(body).encode()
        headers: list[tuple[str, str]] = []
        multi = result.get("multiValueHeaders") or {}
        multi_names = {k.lower() for k in multi}
        for name, values in multi.items():
            headers.extend((name, str(v)) for v in values)
        for name, value in (result.get("headers") or {}).items():
            if name.lower() not in multi_names:
                headers.append((name, str(value)))
        if trace_id:
            headers.append(("X-Amzn-Trace-Id", f"Root={trace_id}"))
        self._write(status, payload, headers, request_id)
        return status


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # keep-alive connections must not hold stop() hostage
    request_queue_size = 1024  # listen backlog: a burst of fresh connections waits instead of being reset


class Gateway:
    """The HTTP server; ``start()`` binds (port 0 = free port) and serves in a daemon thread."""

    def __init__(
        self,
        routes: list[Route],
        functions: Mapping[str, LocalFunction],
        *,
        host: str = "127.0.0.1",
        port: int = 3000,
        account_id: str = "123456789012",
        request_deadline: float = REQUEST_DEADLINE,
        max_body: int = MAX_BODY_BYTES,
        front_door: FrontDoor | None = None,
    ) -> None:
        self.routes = list(routes)
        self.front_door = front_door or FrontDoor("us-east-1", account_id)  # none given: open, unthrottled
        self.request_deadline = request_deadline
        self.max_body = max_body
        self.watchdog = Watchdog()
        self.functions = functions
        self.host = host
        self.port = port
        self.account_id = account_id
        self._table = RouteTable(self.routes)
        self.faults: dict[str, Fault] = {}  # function logical id -> injected fault (tests only)
        # first path segment -> the runtime's own handler:
        # (method, path, header getter) -> (status, headers, body)
        self.extras: dict[
            str, Callable[[str, str, Callable[[str], str | None]], tuple[int, list, bytes]]
        ] = {}
        self._served: ThreadedServer | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:3000`` (routes are served at their template paths)."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "", "::") else self.host
        return f"http://{host}:{self.port}"

    def match(self, parts: list[str]) -> tuple[Resource | None, dict[str, str]]:
        """The most specific resource matching the path segments, and its path parameters."""
        return self._table.match(parts)

    def start(self) -> Gateway:
        handler = type(
            "GatewayHandler",
            (_Handler,),
            {
                "gateway": self,
                "watchdog": self.watchdog,
                "request_deadline": self.request_deadline,
                "max_body": self.max_body,
            },
        )
        self._served = ThreadedServer(_Server((self.host, self.port), handler), "hexa-local-gateway")
        self.port = self._served.port
        log.info("API gateway listening on %s (%d routes)", self.url, len(self.routes))
        return self

    def stop(self) -> None:
        """Stop accepting requests and close the socket (idempotent)."""
        served, self._served = self._served, None
        if served is not None:
            served.stop()
