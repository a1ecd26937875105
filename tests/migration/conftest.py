"""Fixtures for the migration suites: a real PostgreSQL (a fresh database per test) and, where a test
needs a platform of its own, `hexa up` in its own process. Nothing is skipped: a PostgreSQL that
cannot be started fails the run."""
from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path
from typing import Callable, Iterator

import psycopg
import pytest

from hexa_infra.local.process import local_cloud

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def postgres() -> str:
    """The server's DSN: `make test` / .ci/run started it (LEGACY_DATABASE_URL); else start it here."""
    url = os.environ.get("LEGACY_DATABASE_URL")
    if url:
        return url
    if os.environ.get("CI") == "true":
        raise RuntimeError("CI=true but LEGACY_DATABASE_URL is not set: .ci/run must start PostgreSQL")
    started = subprocess.run(["bash", str(ROOT / "infra/postgres/start.sh")], capture_output=True, text=True,
                             timeout=300)
    if started.returncode != 0:
        raise RuntimeError(f"cannot start PostgreSQL: {started.stderr.strip()[-500:]}")
    return started.stdout.strip().splitlines()[-1].split("=", 1)[1]


@pytest.fixture()
def new_database(postgres: str) -> Iterator[Callable[[], str]]:
    """``new_database()`` → the DSN of a fresh, empty database on the test server (dropped afterwards)."""
    made: list[str] = []

    def create() -> str:
        name = f"legacy_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        made.append(name)
        return postgres.rsplit("/", 1)[0] + f"/{name}"

    yield create
    with psycopg.connect(postgres, autocommit=True) as conn:
        for name in made:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture()
def legacy_dsn(new_database: Callable[[], str]) -> str:
    return new_database()


@pytest.fixture(scope="module")
def platform(request: pytest.FixtureRequest) -> Iterator[dict]:
    """A whole platform for this module alone (`hexa up` in its own process, its own emulator and stack)."""
    stack = f"hexa-mig-{uuid.uuid4().hex[:6]}"
    with local_cloud(stack) as info:
        yield info
