"""Fixtures for the migration suites: a real PostgreSQL (a fresh database per test) and, where a test
needs a platform of its own, `hexa up` in its own process. Nothing is skipped: a PostgreSQL that
cannot be started fails the run."""

from __future__ import annotations

import json
import uuid
from typing import Any, Callable, Iterator

import psycopg
import pytest

from hexa_infra.local.process import local_cloud

from migration_support import PARTNERS, hexa
from support import run_hexa


def _databases(postgres: str) -> Iterator[Callable[[], str]]:
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
def new_database(postgres: str) -> Iterator[Callable[[], str]]:
    """``new_database()`` → the DSN of a fresh, empty database on the test server (dropped afterwards)."""
    yield from _databases(postgres)


@pytest.fixture(scope="module")
def new_module_database(postgres: str) -> Iterator[Callable[[], str]]:
    """As ``new_database``, dropped after the module's last test."""
    yield from _databases(postgres)


@pytest.fixture()
def legacy_dsn(new_database: Callable[[], str]) -> str:
    return new_database()


@pytest.fixture(scope="module")
def platform(request: pytest.FixtureRequest) -> Iterator[dict]:
    """A whole platform for this module alone (`hexa up` in its own process, its own emulator and stack)."""
    stack = f"hexa-mig-{uuid.uuid4().hex[:6]}"
    with local_cloud(stack) as info:
        yield info


@pytest.fixture(scope="module")
def legacy(new_module_database: Callable[[], str]) -> str:
    """The monolith's dirty data: PARTNERS partners, every data-quality problem of the README."""
    dsn = new_module_database()
    seeded = run_hexa("legacy", "seed", "--legacy-dsn", dsn, "--partners", str(PARTNERS), "--dirty")
    assert seeded.returncode == 0, seeded.stderr
    return dsn


@pytest.fixture(scope="module")
def report(platform: dict, legacy: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`hexa migrate load` then `verify` of ``legacy`` into ``platform``: the verify report."""
    loaded = hexa(platform, "migrate", "load", dsn=legacy)
    assert loaded.returncode == 0, loaded.stderr
    assert "above what its active contract allows today" in loaded.stdout  # problem 11, reported
    path = tmp_path_factory.mktemp("verify") / "report.json"
    verified = hexa(platform, "migrate", "verify", "--report", str(path), dsn=legacy)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    return json.loads(path.read_text())
