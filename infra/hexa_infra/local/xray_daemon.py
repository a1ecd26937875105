"""A local stand-in for the X-Ray daemon: segments in over UDP, traces out over loopback HTTP.

Like the daemon it listens for UDP datagrams on one port (``127.0.0.1:2000`` by default), each a
header line ``{"format":"json","version":1}``, a newline and one segment or subsegment document;
anything else is dropped. Where the daemon forwards to X-Ray, this one keeps the documents in a
:class:`~.trace_store.TraceStore`. On TCP, same port (the daemon's TCP port serves its sampling
proxy), ``GET /traces?trace_id=…|correlation_id=…|last=N`` answers the stored trees as JSON: that is
what ``hexa traces`` reads, from another process. ``GET /metrics`` answers the functions' EMF metrics
summarised (:class:`~.metric_store.MetricStore`; in AWS CloudWatch computes them): ``hexa metrics``.
``GET /faults``, ``PUT /faults/<function>`` (``{"fault": "down|stall:S|error-rate:P"}``) and ``DELETE
/faults[/<function>]`` switch the gateway's faults of the running cloud (``hexa fault``).
Both sockets are bound to loopback only: this is the local runtime's control port, nothing deployed.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Protocol
from urllib.parse import parse_qs, urlsplit

from .faults import Fault
from .metric_store import MetricStore
from .trace_store import TraceStore

__all__ = ["LocalXRayDaemon", "parse_datagram"]

log = logging.getLogger("hexa.local.xray")

_MAX_DATAGRAM = 65_535


def parse_datagram(data: bytes) -> bytes | None:
    """The document (JSON text, parsed when queried) of one daemon-protocol datagram, or None."""
    header, newline, body = data.partition(b"\n")
    if not newline or not body.lstrip().startswith(b"{"):
        return None
    try:
        protocol = json.loads(header)
    except ValueError:
        return None
    if not isinstance(protocol, dict) or protocol.get("format") != "json" or protocol.get("version") != 1:
        return None
    return body


class FaultSwitch(Protocol):
    def set_fault(self, logical_id: str, fault: Fault) -> None: ...

    def clear_fault(self, logical_id: str) -> None: ...

    def clear_faults(self) -> None: ...

    def faults(self) -> dict[str, Fault]: ...


# An extra control surface: (method, path, query, JSON body) -> (status, JSON answer)
Control = Callable[[str, str, dict[str, str], dict[str, Any]], tuple[int, dict[str, Any]]]


class _QueryHandler(BaseHTTPRequestHandler):
    store: TraceStore
    metrics: MetricStore | None
    faults: FaultSwitch | None
    controls: dict[str, Control]
    stack: str

    def _controlled(self, method: str) -> bool:
        """Routes registered by what runs next to the cloud (``/coexistence`` for blue/green)."""
        url = urlsplit(self.path)
        control = self.controls.get(url.path.strip("/").split("/")[0])
        if control is None:
            return False
        try:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(min(length, 65536)) or b"{}") if length else {}
            status, answer = control(
                method, url.path, {k: v[-1] for k, v in parse_qs(url.query).items()}, body
            )
        except (ValueError, TypeError, KeyError) as error:
            status, answer = 400, {"error": str(error)}
        except Exception as error:  # noqa: BLE001 - the control port answers, whatever broke behind it
            status, answer = 503, {"error": f"{type(error).__name__}: {error}"}
        self._answer(status, answer)
        return True

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        if not self._controlled("POST"):
            self._answer(404, {"error": "nothing is served here by POST"})

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        if self._controlled("GET"):
            return
        url = urlsplit(self.path)
        if url.path == "/metrics" and self.metrics is not None:
            self._answer(200, {"stack": self.stack, "metrics": self.metrics.summary()})
            return
        if url.path == "/faults" and self.faults is not None:
            self._answer(200, self._current_faults())
            return
        if url.path != "/traces":
            self._answer(404, {"error": "only GET /traces, /metrics and /faults are served here"})
            return
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        try:
            last = int(query["last"]) if "last" in query else None
        except ValueError:
            self._answer(400, {"error": "last must be a number"})
            return
        traces = self.store.traces(
            trace_id=query.get("trace_id"), correlation_id=query.get("correlation_id"), last=last
        )
        self._answer(200, {"stack": self.stack, "traces": traces})

    def do_PUT(self) -> None:  # noqa: N802 - stdlib name
        function = self._fault_target()
        if function is None:
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
            spec = json.loads(self.rfile.read(min(length, 4096)) or b"{}").get("fault", "")
            self.faults.set_fault(function, Fault.parse(str(spec)))  # type: ignore[union-attr]
        except (ValueError, AttributeError) as error:
            self._answer(400, {"error": str(error)})
            return
        except KeyError as error:
            self._answer(404, {"error": str(error).strip("'")})
            return
        self._answer(200, self._current_faults())

    def do_DELETE(self) -> None:  # noqa: N802 - stdlib name
        path = urlsplit(self.path).path
        if path == "/faults" and self.faults is not None:
            self.faults.clear_faults()
        elif (function := self._fault_target()) is not None:
            self.faults.clear_fault(function)  # type: ignore[union-attr]
        else:
            return
        self._answer(200, self._current_faults())

    def _fault_target(self) -> str | None:
        path = urlsplit(self.path).path
        if self.faults is None or not path.startswith("/faults/") or len(path) <= len("/faults/"):
            self._answer(404, {"error": "faults are switched at /faults/<function logical id>"})
            return None
        return path.removeprefix("/faults/")

    def _current_faults(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "faults": {name: fault.describe() for name, fault in sorted(self.faults.faults().items())},
        }  # type: ignore[union-attr]

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: queries are not worth a log line."""


class _QueryServer(ThreadingHTTPServer):
    daemon_threads = True


class LocalXRayDaemon:
    """``start()`` binds UDP and TCP ``host:port`` (0 = a free port both ways) or raises ``OSError``."""

    def __init__(
        self,
        store: TraceStore | None = None,
        host: str = "127.0.0.1",
        port: int = 2000,
        stack: str = "",
        metrics: MetricStore | None = None,
        faults: FaultSwitch | None = None,
    ) -> None:
        self.store = store if store is not None else TraceStore()
        self.metrics = metrics
        self.faults = faults
        self.controls: dict[str, Control] = {}
        self.host, self.port, self.stack = host, port, stack
        self._udp: socket.socket | None = None
        self._http: _QueryServer | None = None
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self.received = 0

    @property
    def address(self) -> str:
        """What ``AWS_XRAY_DAEMON_ADDRESS`` should say, e.g. ``127.0.0.1:2000``."""
        return f"{self.host}:{self.port}"

    def start(self) -> LocalXRayDaemon:
        for attempt in range(5 if self.port == 0 else 1):
            udp = self._bind_udp(self.port)
            try:
                handler = type(
                    "QueryHandler",
                    (_QueryHandler,),
                    {
                        "store": self.store,
                        "stack": self.stack,
                        "metrics": self.metrics,
                        "faults": self.faults,
                        "controls": self.controls,
                    },
                )
                self._http = _QueryServer((self.host, udp.getsockname()[1]), handler)
            except OSError:
                udp.close()
                if attempt == 4 or self.port != 0:
                    raise
                continue
            self._udp, self.port = udp, udp.getsockname()[1]
            break
        self._threads = [
            threading.Thread(target=self._receive, name="hexa-xray-udp", daemon=True),
            threading.Thread(
                target=self._http.serve_forever,
                kwargs={"poll_interval": 0.1},
                name="hexa-xray-http",
                daemon=True,
            ),
        ]
        for thread in self._threads:
            thread.start()
        log.info("X-Ray daemon stand-in on %s (UDP segments, TCP GET /traces)", self.address)
        return self

    def _bind_udp(self, port: int) -> socket.socket:
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            udp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)  # bursts of segments
            udp.bind((self.host, port))
        except OSError:
            udp.close()
            raise
        udp.settimeout(0.1)
        return udp

    def _receive(self) -> None:
        assert self._udp is not None
        while not self._stop.is_set():
            try:
                data = self._udp.recv(_MAX_DATAGRAM)
            except TimeoutError:
                continue
            except OSError:
                return
            document = parse_datagram(data)
            if document is None:
                log.debug("dropped a datagram that is not an X-Ray document")
                continue
            self.received += 1
            self.store.add(document)

    def stop(self) -> None:
        """Stop both listeners and close their sockets (idempotent)."""
        self._stop.set()
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []
        if self._udp is not None:
            self._udp.close()
            self._udp = None


def start_trace_daemon(
    traces: TraceStore, port: int, stack_name: str, *, metrics: MetricStore, faults: FaultSwitch
) -> tuple[LocalXRayDaemon | None, str]:
    """The local daemon on 127.0.0.1:``port`` and its address; ``(None, address)`` when the port is taken,
    presumably by a real X-Ray daemon (segments then go there and ``hexa traces`` has nothing to show)."""
    try:
        daemon = LocalXRayDaemon(
            traces, "127.0.0.1", port, stack_name, metrics=metrics, faults=faults
        ).start()
    except OSError as error:
        log.warning(
            "X-Ray: 127.0.0.1:%s is taken (%s), presumably by an X-Ray daemon: segments go there and "
            "`hexa traces` has nothing to show",
            port,
            error.strerror or error,
        )
        return None, f"127.0.0.1:{port}"
    return daemon, daemon.address
