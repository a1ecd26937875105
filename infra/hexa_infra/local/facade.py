"""The local facade: the URL clients use during the migration (``127.0.0.1:8080``), in front of blue
(the monolith, ``:5000``) and green (the platform's gateway, ``:3000``).

Every request goes to the side :func:`facade.cohorts.route` picks from the traffic state
(:class:`facade.state.TrafficState`, the stack's ``TrafficStateTable``, cached a second) — the same
routing code the AWS facade runs — and comes back with ``X-Served-By: blue|green``. Requests are read
bounded in size and time (:mod:`.request_reading`) and forwarded over pooled keep-alive connections;
a side that cannot be reached is a JSON 502 that names it. Each answer is measured per side
(:mod:`hexa_shared.metrics`, service ``facade.blue`` / ``facade.green``), which is what a rollout's
gates read.
"""

from __future__ import annotations

import json
import logging
import random
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import urllib3

from hexa_shared import metrics

from hexa_infra.coexistence.shadow import ShadowComparer
from hexa_infra.coexistence.traffic_log import TrafficLog

from .threaded_server import ThreadedServer
from .request_reading import MAX_BODY_BYTES, Rejected, read_body

log = logging.getLogger("hexa.local.facade")
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


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "hexa-local-facade"
    timeout = 120
    facade: "Facade"

    def do_request(self) -> None:
        started = time.perf_counter()
        try:
            body = read_body(self.headers, self.rfile, MAX_BODY_BYTES)
        except Rejected as rejected:
            self.close_connection = True
            self._send(rejected.status, _error(rejected.code, rejected.message), {}, "facade")
            return
        side, status = self.facade.serve(self, body)
        resource = urlsplit(self.path).path.split("/")[1] if self.path.startswith("/") else ""
        latency_ms = (time.perf_counter() - started) * 1000
        metrics.record_request(f"facade.{side}", f"{self.command} /{resource}", status, latency_ms)
        self.facade.traffic.record(side, f"{self.command} /{resource}", status, latency_ms)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_request

    def _send(self, status: int, payload: bytes, headers: dict[str, str], side: str) -> None:
        self.send_response_only(status)
        for name, value in headers.items():
            if name.lower() not in HOP_BY_HOP and name.lower() != "x-served-by":
                self.send_header(name, value)
        self.send_header("X-Served-By", side)
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and payload:
            self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet, as the gateway."""


def _error(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message, "details": []}}).encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024


class Facade:
    def __init__(
        self,
        blue_url: str,
        green_url: str,
        state: Any,
        *,
        host: str = "127.0.0.1",
        port: int = 8080,
        timeout: float = 30.0,
    ) -> None:
        self.sides = {"blue": blue_url.rstrip("/"), "green": green_url.rstrip("/")}
        self.state, self.host, self.port = state, host, port
        self._http = urllib3.PoolManager(
            maxsize=32, block=False, retries=False, timeout=urllib3.Timeout(connect=2.0, read=timeout)
        )
        self.traffic = TrafficLog()  # what the rollout's gates read
        self.shadow = ShadowComparer(self._shadow_request)
        self._served: ThreadedServer | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def serve(self, request: _Handler, body: bytes) -> tuple[str, int]:
        """Forward one request to its side; returns (side, status)."""
        from facade.cohorts import route

        headers = {name: value for name, value in request.headers.items()}
        chosen = route(
            urlsplit(request.path).path,
            body,
            headers,
            self.state.current().green_percent,
            lambda: random.random() * 100,
        )
        forward = {k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP}
        try:
            answer = self._http.request(
                request.command,
                self.sides[chosen.side] + request.path,
                body=body or None,
                headers=forward,
                preload_content=True,
                redirect=False,
            )
        except urllib3.exceptions.HTTPError as error:
            log.warning(
                "facade: %s unreachable for %s %s (%s)", chosen.side, request.command, request.path, error
            )
            request._send(
                502,
                _error("bad_gateway", f"{chosen.side} did not answer"),
                {"Content-Type": "application/json"},
                chosen.side,
            )
            return chosen.side, 502
        request._send(answer.status, answer.data, dict(answer.headers), chosen.side)
        shadow = self.state.current().shadow_percent
        if (
            shadow and request.command == "GET" and random.random() * 100 < shadow
        ):  # after the caller's answer
            self.shadow.submit(chosen.side, "GET", request.path, forward, answer.status, answer.data)
        return chosen.side, answer.status

    def _shadow_request(
        self, side: str, method: str, path: str, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        answer = self._http.request(
            method, self.sides[side] + path, headers=headers, preload_content=True, redirect=False
        )
        return answer.status, answer.data

    def start(self) -> "Facade":
        handler = type("FacadeHandler", (_Handler,), {"facade": self})
        self._served = ThreadedServer(_Server((self.host, self.port), handler), "hexa-local-facade")
        self.port = self._served.port
        log.info("facade on %s: blue %s, green %s", self.url, self.sides["blue"], self.sides["green"])
        return self

    def stop(self) -> None:
        served, self._served = self._served, None
        if served is not None:
            served.stop()
        self._http.clear()
        self.shadow.close()
