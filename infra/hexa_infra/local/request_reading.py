"""Reading a request like a front door should: bounded in size, bounded in time, strict in framing.

Every developer and every test talks to the local gateway, so it must not be the weak part:

* **size before reading**: a ``Content-Length`` over :data:`MAX_BODY_BYTES` (API Gateway's 10 MB
  payload limit) is refused with 413 before a byte of the body is read; a chunked body is counted as it
  arrives and refused the moment it passes the limit;
* **strict framing**: ``Content-Length`` is digits only (no sign, no spaces, no list of differing
  values), chunk sizes are hex digits, ``Transfer-Encoding`` is ``chunked`` or nothing, never both
  with a ``Content-Length`` (request smuggling) — anything else is a 400 (501 for another coding);
* **a deadline**: from the first byte of a request to the end of its body, :data:`REQUEST_DEADLINE`
  seconds (a slowloris client sending a byte at a time, or a ``Content-Length`` longer than the body,
  used to hold a thread for 300 s). One :class:`Watchdog` thread enforces every deadline by shutting
  the socket's read side, so a read blocked deep inside ``http.server`` returns at once.
"""

from __future__ import annotations

import heapq
import itertools
import re
import socket
import threading
import time
from dataclasses import dataclass
from email.message import Message
from typing import BinaryIO, Callable

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway (REST) payload limit
REQUEST_DEADLINE = 10.0  # seconds from a request's first byte to the end of its body
_LENGTH = re.compile(r"[0-9]{1,15}", re.ASCII)
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,8}", re.ASCII)


@dataclass
class Rejected(Exception):
    """A request refused while reading it; answered in the API's JSON error shape, then the connection
    is closed (its framing can no longer be trusted)."""

    status: int
    code: str
    message: str


def read_body(headers: Message, rfile: BinaryIO, limit: int = MAX_BODY_BYTES) -> bytes:
    encodings = [
        v.strip().lower()
        for v in ",".join(headers.get_all("Transfer-Encoding") or []).split(",")
        if v.strip()
    ]
    declared = headers.get_all("Content-Length")
    lengths = {v.strip() for v in ",".join(declared).split(",")} if declared else set()
    if encodings:
        if encodings != ["chunked"]:
            raise Rejected(
                501, "not_implemented", f"Transfer-Encoding {', '.join(encodings)} is not supported"
            )
        if lengths:
            raise Rejected(400, "malformed_request", "Content-Length and Transfer-Encoding together")
        return _read_chunked(rfile, limit)
    if not lengths:
        return b""
    if len(lengths) > 1 or not _LENGTH.fullmatch(next(iter(lengths))):
        raise Rejected(400, "malformed_request", "Content-Length must be one non-negative integer")
    length = int(next(iter(lengths)))
    if length > limit:
        raise Rejected(413, "payload_too_large", f"body of {length} bytes is over the {limit}-byte limit")
    body = rfile.read(length) if length else b""
    if len(body) < length:
        raise _short("body ended before its Content-Length")
    return body


def _read_chunked(rfile: BinaryIO, limit: int) -> bytes:
    chunks, total = [], 0
    while True:
        line = rfile.readline(1024)
        if not line.endswith(b"\n"):
            raise _short("chunk size line cut short")
        size_text = line.split(b";", 1)[0].strip()
        if not _CHUNK_SIZE.fullmatch(size_text):
            raise Rejected(400, "malformed_request", "a chunk size must be hexadecimal digits")
        size = int(size_text, 16)
        if size == 0:
            while (trailer := rfile.readline(8192)) not in (b"\r\n", b"\n"):
                if not trailer.endswith(b"\n"):
                    raise _short("chunked trailer cut short")
            return b"".join(chunks)
        total += size
        if total > limit:
            raise Rejected(413, "payload_too_large", f"chunked body over the {limit}-byte limit")
        chunk = rfile.read(size)
        if len(chunk) < size or rfile.readline(3) not in (b"\r\n", b"\n"):
            raise _short("chunk shorter than its size")
        chunks.append(chunk)


def _short(what: str) -> Rejected:
    """Data stopped coming: a client that hung up, or one the watchdog cut off (the caller tells which)."""
    return Rejected(400, "malformed_request", what)


class Watchdog:
    """Enforces read deadlines for many connections with one thread: when a deadline passes, the
    connection's read side is shut down (blocked reads return) and ``on_expiry`` runs.

    The thread is woken only when the earliest deadline moves earlier (an idle watchdog getting its
    first request), never per request, and it checks at most every :data:`RESOLUTION` seconds: a
    thread woken on every request makes the serving thread hand over the GIL each time, which cost
    ~10 ms per request (measured: GET /contracts/{id} p50 4.1 → 16.9 ms)."""

    RESOLUTION = 0.25

    def __init__(self) -> None:
        self._heap: list[tuple[float, int]] = []
        self._armed: dict[int, tuple[socket.socket, Callable[[], None]]] = {}
        self._ids = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def arm(self, connection: socket.socket, seconds: float, on_expiry: Callable[[], None]) -> int:
        with self._cond:
            token = next(self._ids)
            self._armed[token] = (connection, on_expiry)
            deadline = time.monotonic() + seconds
            earliest = self._heap[0][0] if self._heap else None
            heapq.heappush(self._heap, (deadline, token))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="hexa-gateway-deadlines", daemon=True)
                self._thread.start()
            if earliest is None or deadline < earliest:
                self._cond.notify()
            return token

    def disarm(self, token: int) -> None:
        with self._cond:
            self._armed.pop(token, None)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap or self._heap[0][0] > time.monotonic():
                    self._cond.wait(
                        None if not self._heap else max(self.RESOLUTION, self._heap[0][0] - time.monotonic())
                    )
                expired = []
                while self._heap and self._heap[0][0] <= time.monotonic():  # disarmed ones go quietly
                    found = self._armed.pop(heapq.heappop(self._heap)[1], None)
                    if found is not None:
                        expired.append(found)
            for connection, on_expiry in expired:
                on_expiry()
                try:
                    connection.shutdown(socket.SHUT_RD)
                except OSError:
                    pass  # already closed
