"""The HTTP side of the local gateway: strict HTTP/1.1 framing, bounded reads, every error as JSON.

What ``http.server`` refuses on its own (400, 414, 431, 501, 505) and a request not read within the
deadline (408) are answered in the API's error shape; requests are read bounded in size and time
(:mod:`.request_reading`). The gateway's handler (:mod:`.gateway`) adds routing and invocation.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any

from .request_reading import Rejected, Watchdog, read_body

_ERROR_CODES = {
    400: "malformed_request",
    408: "request_timeout",
    413: "payload_too_large",
    414: "uri_too_long",
    431: "headers_too_large",
    501: "not_implemented",
    505: "http_version_not_supported",
}


def error_body(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message, "details": []}}).encode()


class JsonHandler(BaseHTTPRequestHandler):
    """Strict HTTP/1.1 with JSON errors: requests read bounded in size and time, every refusal in the
    API's error shape. Subclasses set ``watchdog``, ``request_deadline`` and ``max_body``."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # keep-alive clients otherwise stall ~40 ms (TOOL-FACTS)
    timeout = 120  # close idle keep-alive connections eventually (each holds a thread)
    watchdog: Watchdog
    request_deadline: float
    max_body: int
    _expired = False
    _responded = False
    _deadline: int | None = None

    def handle_one_request(self) -> None:
        """Wait (idle, up to ``timeout``) for a request's first byte; from there the request must be
        read within the gateway's deadline, or it is answered 408 and the connection closed."""
        self._expired, self._deadline, self._responded = False, None, False
        try:
            if not self.rfile.peek(1):  # the client closed its keep-alive connection
                self.close_connection = True
                return
        except OSError:  # idle timeout or reset
            self.close_connection = True
            return
        self._deadline = self.watchdog.arm(self.connection, self.request_deadline, self._expire)
        try:
            super().handle_one_request()
            if self._expired and not self._responded:
                self.send_error(HTTPStatus.REQUEST_TIMEOUT)
        finally:
            if self._deadline is not None:
                self.watchdog.disarm(self._deadline)

    def _expire(self) -> None:
        self._expired = True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """What ``http.server`` refuses on its own (400, 414, 431, 501, 505), and 408, as JSON."""
        if self._expired:
            code, message = (
                HTTPStatus.REQUEST_TIMEOUT,
                f"request not received within {self.request_deadline:g} s",
            )
        status = HTTPStatus(code)
        self.close_connection = True
        error_code = _ERROR_CODES.get(status.value, status.phrase.lower().replace(" ", "_"))
        self._send_error(status.value, error_code, message or status.description, str(uuid.uuid4()))

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Silence http.server's stderr access log; the gateway logs each request (without headers)."""

    def _read_body(self, request_id: str) -> bytes | int:
        """The request's body; or, when it is refused (too big, badly framed, late), the status answered."""
        try:
            body = read_body(self.headers, self.rfile, self.max_body)
        except Rejected as rejected:
            self.close_connection = True
            if self._expired:
                return self._timed_out(request_id)
            return self._send_error(rejected.status, rejected.code, rejected.message, request_id)
        finally:
            if self._deadline is not None:  # the function may take its own time
                self.watchdog.disarm(self._deadline)
        if self._expired:
            self.close_connection = True
            return self._timed_out(request_id)
        return body

    def _timed_out(self, request_id: str) -> int:
        message = f"request not received within {self.request_deadline:g} s"
        return self._send_error(408, "request_timeout", message, request_id)

    def _send_error(
        self, status: int, code: str, message: str, request_id: str, extra: Mapping[str, str] | None = None
    ) -> int:
        headers = [("Content-Type", "application/json"), *(extra or {}).items()]
        self._write(status, error_body(code, message), headers, request_id)
        return status

    def _write(self, status: int, payload: bytes, headers: list[tuple[str, str]], request_id: str) -> None:
        hop_by_hop = {"content-length", "transfer-encoding", "connection", "date", "server"}
        if self.request_version in (None, "", "HTTP/0.9"):
            self.request_version = "HTTP/1.1"  # no HTTP/0.9 here: always a status line and headers
        self.send_response_only(status)
        self.send_header("Date", formatdate(usegmt=True))
        names = set()
        for name, value in headers:
            if name.lower() not in hop_by_hop:
                self.send_header(name, value)
                names.add(name.lower())
        if "content-type" not in names:
            self.send_header("Content-Type", "application/json")
        self.send_header("x-amzn-RequestId", request_id)
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self._responded = True
        if self.command != "HEAD" and payload:
            self.wfile.write(payload)
