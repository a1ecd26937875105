"""Fixtures for blue/green: the monolith stand-in (blue) served by waitress in its own process, on a
fresh legacy database of the real PostgreSQL."""

from __future__ import annotations

import secrets
from typing import Iterator

import pytest
import requests

from blue_support import Blue, serve_blue


@pytest.fixture(scope="module")
def blue(postgres: str) -> Iterator[Blue]:
    with serve_blue(postgres, secrets.token_urlsafe(48)) as running:
        yield running


@pytest.fixture()
def admin(blue: Blue) -> requests.Session:
    return blue.session()
