"""The local gateway as a front door (issue 12 #11-#13): a burst of fresh connections is all answered;
bad framing, slow clients and huge bodies get a JSON 400/408/413 without holding a thread or memory;
what http.server refuses on its own (414, 431, 501) is JSON too."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from hexa_infra.local.cloud import LocalCloud
from hexa_infra.local.gateway import Gateway
from hexa_infra.local.routing import routes_from_template

DEADLINE = 0.5


@pytest.fixture(scope="module")
def cloud(fixture_template: Path) -> Iterator[LocalCloud]:
    with LocalCloud(
        fixture_template, stack_name="rt-gw-hard", emulator_port=0, gateway_port=0, start_pollers=False
    ) as running:
        yield running


@pytest.fixture(scope="module")
def gateway(cloud: LocalCloud) -> Iterator[Gateway]:
    """The cloud's routes and functions behind a gateway with a short deadline and a small body limit."""
    front = Gateway(
        routes_from_template(cloud.template, cloud.resources),
        cloud.functions,
        port=0,
        request_deadline=DEADLINE,
        max_body=64 * 1024,
    ).start()
    yield front
    front.stop()


def exchange(
    gateway: Gateway, data: bytes, *, then_wait: float = 0.0, timeout: float = 5.0
) -> tuple[int, dict, float]:
    """Send raw bytes, read the answer until the server closes (or ``timeout``); (status, JSON body,
    seconds)."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=timeout) as sock:
        sock.sendall(data)
        if then_wait:
            time.sleep(then_wait)
        received = b""
        while b"\r\n\r\n" not in received or len(received.split(b"\r\n\r\n", 1)[1]) < _length(received):
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body[: _length(received)] or b"{}"), time.monotonic() - started


def _length(received: bytes) -> int:
    for line in received.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


def _error(status: int, body: dict, expected_status: int, code: str) -> None:
    assert status == expected_status, body
    assert set(body["error"]) == {"code", "message", "details"} and body["error"]["code"] == code


@pytest.mark.parametrize("length", [b"abc", b"-1", b"1e3", b"+5", b"5, 6", b" "])
def test_a_bad_content_length_is_a_json_400(gateway: Gateway, length: bytes) -> None:
    status, body, _ = exchange(
        gateway, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + b"\r\n\r\n{}"
    )
    _error(status, body, 400, "malformed_request")


def test_bad_chunk_sizes_are_a_json_400(gateway: Gateway) -> None:
    for chunk in (b"zz\r\n{}\r\n0\r\n\r\n", b"-2\r\n{}\r\n0\r\n\r\n", b"\r\n\r\n"):
        request = b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk
        status, body, _ = exchange(gateway, request)
        _error(status, body, 400, "malformed_request")


def test_a_well_formed_chunked_body_still_arrives(gateway: Gateway) -> None:
    request = b"POST /any HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
    status, body, _ = exchange(gateway, request)
    assert status == 200 and body["event"]["body"] == "{}"


def test_length_and_chunked_together_are_refused(gateway: Gateway) -> None:
    request = (
        b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"2\r\n{}\r\n0\r\n\r\n"
    )
    _error(*exchange(gateway, request)[:2], 400, "malformed_request")


def test_another_transfer_coding_is_a_json_501(gateway: Gateway) -> None:
    request = b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
    _error(*exchange(gateway, request)[:2], 501, "not_implemented")


def test_a_huge_body_is_refused_before_it_is_read(gateway: Gateway) -> None:
    """A declared 300 MB body: 413 at once, and the connection closed without reading it."""
    status, body, seconds = exchange(
        gateway, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 314572800\r\n\r\n" + b"x" * 1024
    )
    _error(status, body, 413, "payload_too_large")
    assert seconds < DEADLINE  # answered without waiting for (or reading) the body


def test_a_chunked_body_past_the_limit_is_refused(gateway: Gateway) -> None:
    chunk = b"10000\r\n" + b"x" * 0x10000 + b"\r\n"
    request = b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk * 2
    _error(*exchange(gateway, request)[:2], 413, "payload_too_large")


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{}",  # a body shorter than declared
        b"GET /echo HTTP/1.1\r\nHost: x\r\nX-Slow: ",  # headers never finished
        b"GET /ec",  # a request line cut short
    ],
)
def test_a_slow_or_stalled_request_is_a_json_408_at_the_deadline(
    gateway: Gateway, request_bytes: bytes
) -> None:
    status, body, seconds = exchange(gateway, request_bytes)
    _error(status, body, 408, "request_timeout")
    assert DEADLINE <= seconds < DEADLINE + 1.5


def test_a_slowloris_dribbling_bytes_is_cut_off_at_the_deadline(gateway: Gateway) -> None:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=5) as sock:
        answer = b""
        try:
            for byte in b"GET /echo HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
                sock.sendall(bytes([byte]))
                time.sleep(0.05)
        except OSError:
            pass  # the server gave up on us: what we want
        try:
            while chunk := sock.recv(4096):
                answer += chunk
        except OSError:
            pass
    assert answer.startswith(b"HTTP/1.1 408") and b'"request_timeout"' in answer
    assert time.monotonic() - started < DEADLINE + 2


def test_a_slow_function_is_not_cut_off_by_the_read_deadline(cloud: LocalCloud) -> None:
    """The deadline covers reading the request, not the function: the very first request of a fresh
    gateway (its watchdog's token 0) answered after the deadline, and its keep-alive connection lives on."""
    from hexa_infra.local.gateway import Fault

    fresh = Gateway(
        routes_from_template(cloud.template, cloud.resources),
        cloud.functions,
        port=0,
        request_deadline=DEADLINE,
    ).start()
    try:
        fresh.faults["ApiFunction"] = Fault(stall=DEADLINE * 3)
        with socket.create_connection(("127.0.0.1", fresh.port), timeout=5) as sock:
            for _ in range(2):
                sock.sendall(b"GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
                answer = b""
                while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < _length(answer):
                    chunk = sock.recv(65536)
                    assert chunk, f"the connection was closed after {len(answer)} bytes"
                    answer += chunk
                assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    finally:
        fresh.stop()


def test_an_idle_keep_alive_connection_is_not_a_timeout(gateway: Gateway) -> None:
    """The deadline starts with a request's first byte, not while a keep-alive connection waits."""
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=5) as sock:
        time.sleep(DEADLINE * 2)
        sock.sendall(b"GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")


def test_what_http_server_refuses_is_json_too(gateway: Gateway) -> None:
    _error(*exchange(gateway, b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n")[:2], 414, "uri_too_long")
    _error(
        *exchange(gateway, b"GET /echo HTTP/1.1\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n")[:2],
        431,
        "headers_too_large",
    )
    _error(*exchange(gateway, b"BREW /echo HTTP/1.1\r\nHost: x\r\n\r\n")[:2], 501, "not_implemented")
    _error(*exchange(gateway, b"this is not http\r\n\r\n")[:2], 400, "malformed_request")
    _error(*exchange(gateway, b"GET /echo HTTP/2.0\r\n\r\n")[:2], 505, "http_version_not_supported")


def test_two_hundred_simultaneous_fresh_connections_are_all_answered(gateway: Gateway) -> None:
    """#11: with a backlog of 5, 13-22 of 50 simultaneous connections were reset unanswered."""
    barrier = threading.Barrier(200)

    def one(_: int) -> int:
        barrier.wait()
        with socket.create_connection(("127.0.0.1", gateway.port), timeout=30) as sock:
            sock.sendall(b"GET /items/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        return int(answer.split(b" ", 2)[1])

    with ThreadPoolExecutor(200) as pool:
        statuses = list(pool.map(one, range(200)))
    assert statuses == [200] * 200
