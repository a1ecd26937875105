"""Run moto's server in a background thread of this process.

Why in-process: the local cloud, the tests and the benchmarks then need no external service, and
startup costs milliseconds. Why a thin wrapper: ``ThreadedMotoServer.start`` blocks forever if the
port cannot be bound (the error dies in its thread), it prints a banner, and werkzeug logs every
request at INFO; we surface bind errors, stay quiet, and confirm the server answers HTTP.
It also applies ``moto_fixes`` first: stock moto 5.2 leaks a stream record from a cancelled
``TransactWriteItems`` and leaves open shard iterators reading an orphaned shard.
"""

from __future__ import annotations

import http.client
import logging
import socket
import time

from moto.server import ThreadedMotoServer

__all__ = ["Emulator", "EmulatorError"]

log = logging.getLogger("hexa.local.emulator")


class EmulatorError(RuntimeError):
    """The emulator could not start or did not answer."""


def _apply_moto_fixes() -> None:
    """Patch the in-process moto before it serves (see ``moto_fixes``: cancelled transactions vs streams)."""
    try:
        from . import moto_fixes
    except ImportError:
        log.warning("moto_fixes is missing: a cancelled TransactWriteItems can corrupt DynamoDB streams")
        return
    moto_fixes.apply()


class _GuardedMotoServer(ThreadedMotoServer):
    """ThreadedMotoServer that reports a failed bind instead of hanging ``start()``."""

    def __init__(self, ip_address: str, port: int) -> None:
        super().__init__(ip_address=ip_address, port=port, verbose=False)
        self.error: BaseException | None = None

    def _server_entry(self) -> None:
        try:
            super()._server_entry()
        except BaseException as exc:  # noqa: BLE001 - handed to the starting thread
            self.error = exc
            self._server_ready_event.set()


class Emulator:
    """moto server on ``host:port`` (port 0 picks a free port); ``url`` once started."""

    def __init__(self, host: str = "127.0.0.1", port: int = 4566, *, startup_timeout: float = 10.0) -> None:
        self.host = host
        self.port = port
        self.startup_timeout = startup_timeout
        self._server: _GuardedMotoServer | None = None

    @property
    def url(self) -> str:
        """Endpoint URL to give boto3 (``http://127.0.0.1:<port>``)."""
        if self._server is None:
            raise EmulatorError("emulator not started")
        return f"http://{self._connect_host}:{self.port}"

    @property
    def _connect_host(self) -> str:
        return "127.0.0.1" if self.host in ("0.0.0.0", "", "::") else self.host

    def start(self) -> Emulator:
        """Start serving and wait until an HTTP request gets an answer."""
        if self._server is not None:
            return self
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        _apply_moto_fixes()
        self._check_port_free()
        server = _GuardedMotoServer(self.host, self.port)
        server.start()
        if server.error is not None:
            raise EmulatorError(
                f"cannot start moto on {self.host}:{self.port}: {server.error}"
            ) from server.error
        self.port = server.get_host_and_port()[1]
        self._server = server
        self._wait_until_answering()
        log.info("moto emulator listening on %s", self.url)
        return self

    def _check_port_free(self) -> None:
        """Fail with a clear message (werkzeug would print and ``sys.exit`` in its thread)."""
        if self.port == 0:
            return
        probe = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET)
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((self.host, self.port))
        except OSError as exc:
            raise EmulatorError(
                f"cannot start moto on {self.host}:{self.port}: {exc.strerror or exc} "
                "(is another emulator running? use port 0 for a free port)"
            ) from None
        finally:
            probe.close()

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            conn = http.client.HTTPConnection(self._connect_host, self.port, timeout=2)
            try:
                conn.request("GET", "/moto-api/")
                conn.getresponse().read()
                return
            except OSError as exc:
                last_error = exc
                time.sleep(0.02)
            finally:
                conn.close()
        self.stop()
        raise EmulatorError(f"moto did not answer on {self.host}:{self.port}: {last_error}")

    def stop(self) -> None:
        """Stop serving (idempotent). moto's in-process state survives until the process exits."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()
            log.info("moto emulator stopped")

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
