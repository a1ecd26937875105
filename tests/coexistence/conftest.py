"""Fixtures for blue/green: the monolith stand-in (blue) served by waitress in its own process, on a
fresh legacy database of the real PostgreSQL; and, for the change-capture suites, an empty monolith
database with capture installed and the blue -> green applier on it."""

from __future__ import annotations

import secrets
from typing import Iterator

import pytest
import requests

from blue_support import Blue, empty_legacy_database, serve_blue
from hexa_infra.coexistence.blue_to_green import BlueToGreen
from hexa_infra.migration.platform import Platform


@pytest.fixture(scope="module")
def blue(postgres: str) -> Iterator[Blue]:
    with serve_blue(postgres, secrets.token_urlsafe(48)) as running:
        yield running


@pytest.fixture()
def admin(blue: Blue) -> requests.Session:
    return blue.session()


@pytest.fixture(scope="module")
def legacy(postgres: str) -> Iterator[str]:
    """An empty monolith database (its schema only) with change capture installed, one per module."""
    with empty_legacy_database(postgres) as dsn:
        yield dsn


@pytest.fixture(scope="module")
def cdc(legacy: str, stack) -> BlueToGreen:  # noqa: ANN001
    """blue -> green on ``legacy``, driven pass by pass by the tests (``apply_pending``)."""
    return BlueToGreen(legacy, Platform.of(stack), workers=2)
