"""Fixtures for the migration suites: a real PostgreSQL (a fresh database per test) and, where a test
needs a platform of its own, `hexa up` in its own process. Nothing is skipped: a PostgreSQL that
cannot be started fails the run."""

from __future__ import annotations

import uuid
from typing import Callable, Iterator

import psycopg
import pytest

from hexa_infra.local.process import local_cloud


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
