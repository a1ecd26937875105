"""Shared fixtures for the local runtime's tests: the fixture template and a tiny HTTP client."""

from __future__ import annotations

import http.client as httplib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

FIXTURE_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "runtime"


@pytest.fixture(scope="session")
def fixture_template() -> Path:
    """The runtime's fixture template (read-only: copy it before editing)."""
    return FIXTURE_DIR / "template.yaml"


@pytest.fixture
def fixture_copy(tmp_path: Path) -> Path:
    """A private copy of the fixture folder (template + handlers) to edit; returns the template path."""
    target = tmp_path / "fixture"
    shutil.copytree(FIXTURE_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target / "template.yaml"


class Response:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def header(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self) -> Any:
        return json.loads(self.body)


def http_call(
    base_url: str, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> Response:
    """One request on a fresh connection; never raises on 4xx/5xx."""
    url = urlsplit(base_url)
    conn = httplib.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return Response(resp.status, resp.getheaders(), resp.read())
    finally:
        conn.close()


@pytest.fixture
def http() -> Callable[..., Response]:
    return http_call
