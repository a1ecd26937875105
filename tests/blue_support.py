"""The monolith stand-in (blue) for tests: a fresh legacy database of the real PostgreSQL, seeded, and
`python -m hexa_monolith` (waitress) on it in its own process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import requests

from hexa_shared.auth import issue_token

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Blue:
    def __init__(self, url: str, secret: str, dsn: str) -> None:
        self.url, self.secret, self.dsn = url, secret, dsn

    def token(self, role: str = "admin", partner_id: str | None = None) -> str:
        return issue_token(
            self.secret, role=role, partner_id=partner_id, issuer="hexabuilders", audience="hexabuilders-api"
        )

    def session(self, role: str = "admin", partner_id: str | None = None) -> requests.Session:
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {self.token(role, partner_id)}"
        return http


@contextmanager
def empty_legacy_database(postgres: str) -> Iterator[str]:
    """A fresh database with the monolith's schema only and change capture installed; yields its DSN."""
    import uuid
    from importlib import resources

    import psycopg
    from psycopg.rows import dict_row

    from hexa_infra.coexistence import capture

    name = f"cdc_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    dsn = postgres.rsplit("/", 1)[0] + f"/{name}"
    try:
        with psycopg.connect(dsn, autocommit=True, row_factory=dict_row) as conn:
            conn.execute(resources.files("hexa_infra.migration").joinpath("legacy_schema.sql").read_text())
            capture.install(conn)
        yield dsn
    finally:
        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def legacy_database(postgres: str, partners: int = 5, *extra: str) -> Iterator[str]:
    """A fresh database on the real PostgreSQL, seeded by ``hexa legacy seed`` (``extra``: e.g. --dirty);
    yields its DSN, dropped afterwards."""
    import uuid

    import psycopg

    name = f"blue_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    dsn = postgres.rsplit("/", 1)[0] + f"/{name}"
    try:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "hexa_infra.cli",
                "legacy",
                "seed",
                "--legacy-dsn",
                dsn,
                "--partners",
                str(partners),
                *extra,
            ],
            check=True,
            capture_output=True,
        )
        yield dsn
    finally:
        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def serve_blue(postgres: str, secret: str, partners: int = 5) -> Iterator[Blue]:
    """A fresh legacy database (seeded) and the monolith stand-in on it, in its own process."""
    with legacy_database(postgres, partners) as dsn:
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "hexa_monolith"],
            cwd=ROOT,
            env={**os.environ, "LEGACY_DATABASE_URL": dsn, "HEXA_JWT_SECRET": secret, "BLUE_PORT": str(port)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if requests.get(f"{url}/health", timeout=2).status_code == 200:
                        break
                except requests.ConnectionError:
                    pass
                assert process.poll() is None and time.monotonic() < deadline, process.stderr.read().decode()[
                    -2000:
                ]
                time.sleep(0.1)
            yield Blue(url, secret, dsn)
        finally:
            process.terminate()
            process.wait(timeout=15)
