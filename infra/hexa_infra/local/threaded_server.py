"""An HTTP server served from a daemon thread, started and stopped the same way everywhere (the
gateway, the facade): bind (port 0 = a free one), serve with a short poll, shut down idempotently."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer


class ThreadedServer:
    def __init__(self, server: ThreadingHTTPServer, name: str) -> None:
        self.server: ThreadingHTTPServer | None = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=name, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        self._thread.join(timeout=5)
