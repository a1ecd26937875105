"""`hexa up --legacy-dsn`: the monolith (blue) and the facade next to the local cloud (green).

On start, in this order (nothing either side writes is missed):

1. change capture is installed on the legacy tables (``hexa_cdc``; idempotent), *before* the load, so
   a row written while it runs is captured and applied after it;
2. the stack's ``LegacyDatabaseSecret`` gets the DSN: ``LegacyWriterFunction`` (green -> blue, the
   template's ``Coexisting`` condition, which ``hexa up --legacy-dsn`` turns on) can connect;
3. the legacy database is loaded into green (``hexa migrate load``: resumable, a no-op when done);
4. the blue -> green applier starts (:class:`hexa_infra.coexistence.blue_to_green.BlueToGreen`);
5. blue is started as its own process (``python -m hexa_monolith``, waitress) with the stack's signing
   key in its environment (never on a command line), and the facade listens where clients go.

On stop: facade, blue, then the applier.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

from hexa_infra.function_code import use_function_packages

from .facade import Facade

log = logging.getLogger("hexa.local.blue_green")
ROOT = Path(__file__).resolve().parents[3]


class BlueGreen:
    def __init__(
        self,
        cloud: Any,
        stack: Any,
        legacy_dsn: str,
        signing_key: str,
        *,
        host: str = "127.0.0.1",
        blue_port: int = 5000,
        facade_port: int = 8080,
    ) -> None:
        self.cloud, self.stack, self.legacy_dsn, self.key = cloud, stack, legacy_dsn, signing_key
        self.host, self.blue_port, self.facade_port = host, blue_port, facade_port
        self.blue: subprocess.Popen | None = None
        self.facade: Facade | None = None
        self.loaded: Any = None
        self.blue_to_green: Any = None

    @property
    def blue_url(self) -> str:
        return f"http://{self.host}:{self.blue_port}"

    def start(self, *, load: bool = True) -> "BlueGreen":
        from hexa_infra.coexistence import capture
        from hexa_infra.coexistence.blue_to_green import BlueToGreen
        from hexa_infra.migration.legacy_db import connect
        from hexa_infra.migration.platform import Platform

        with connect(self.legacy_dsn) as conn:
            capture.install(conn)
        secret = self.cloud.resources.get("LegacyDatabaseSecret")
        if secret is not None:
            self.stack.clients("secretsmanager").put_secret_value(
                SecretId=secret.ref, SecretString=json.dumps({"dsn": self.legacy_dsn})
            )
        if load:
            from hexa_infra.migration.load import load as migrate
            from hexa_infra.migration.progress import TableProgress

            self.loaded = migrate(self.legacy_dsn, self.stack, progress=TableProgress())
        self.blue_to_green = BlueToGreen(self.legacy_dsn, Platform.of(self.stack)).start()
        self._start_blue()
        use_function_packages()
        from facade.state import TrafficState

        state = TrafficState(self.cloud.resources["TrafficStateTable"].ref)
        self.facade = Facade(
            self.blue_url, self.cloud.api_url, state, host=self.host, port=self.facade_port
        ).start()
        from hexa_infra.coexistence.observer import Coexistence, control

        self.coexistence = Coexistence(
            self.facade, self.blue_to_green, self.legacy_dsn, self._writer_pollers, self.blue_url
        )
        self.cloud.serve_control("coexistence", control(self.coexistence))
        if getattr(self.cloud, "dashboard", None) is not None:
            self.cloud.dashboard.watch_blue_green(
                self.coexistence, self.legacy_dsn, self.blue_url, self.blue.pid if self.blue else None
            )
        return self

    def _writer_pollers(self) -> list[Any]:
        return [p for p in getattr(self.cloud, "pollers", []) if p.mapping.function == "LegacyWriterFunction"]

    def _start_blue(self) -> None:
        issuer = str(self.cloud.template.parameters.get("JwtIssuer", "hexabuilders"))
        audience = str(self.cloud.template.parameters.get("JwtAudience", "hexabuilders-api"))
        env = {
            **os.environ,
            "LEGACY_DATABASE_URL": self.legacy_dsn,
            "HEXA_JWT_SECRET": self.key,
            "JWT_ISSUER": issuer,
            "JWT_AUDIENCE": audience,
            "BLUE_HOST": self.host,
            "BLUE_PORT": str(self.blue_port),
        }
        self.blue = subprocess.Popen(
            [sys.executable, "-m", "hexa_monolith"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{self.blue_url}/health", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            if self.blue.poll() is not None or time.monotonic() > deadline:
                error = self.blue.stderr.read().decode()[-1500:] if self.blue.stderr else ""
                raise RuntimeError(f"the monolith (blue) did not start on {self.blue_url}: {error}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.facade is not None:
            self.facade.stop()
            self.facade = None
        if self.blue is not None:
            self.blue.terminate()
            try:
                self.blue.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.blue.kill()
            self.blue = None
        if self.blue_to_green is not None:
            self.blue_to_green.stop()
            self.blue_to_green = None
