"""Session fixtures: one local cloud (embedded emulator + every template resource + API Gateway +
pollers) on free loopback ports, shared by the integration and e2e suites.

Nothing here is skipped: if a server cannot start, the tests that need it fail (CI=true or not).
"""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from support import Api

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "template.yaml"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def search_endpoint(tmp: Path) -> str:
    """The real OpenSearch that `make test` / .ci/run started (OPENSEARCH_URL), else the embedded engine.
    Under CI=true OpenSearch is mandatory."""
    url = os.environ.get("OPENSEARCH_URL")
    if not url and os.environ.get("CI") == "true":
        raise RuntimeError("CI=true but OPENSEARCH_URL is not set: .ci/run must start OpenSearch")
    return url or f"sqlite:///{tmp / 'search.db'}"


@pytest.fixture(scope="session")
def postgres() -> str:
    """The server's DSN: `make test` / .ci/run started it (LEGACY_DATABASE_URL); else start it here."""
    url = os.environ.get("LEGACY_DATABASE_URL")
    if url:
        return url
    if os.environ.get("CI") == "true":
        raise RuntimeError("CI=true but LEGACY_DATABASE_URL is not set: .ci/run must start PostgreSQL")
    started = subprocess.run(
        ["bash", str(ROOT / "infra" / "postgres" / "start.sh")], capture_output=True, text=True, timeout=300
    )
    if started.returncode != 0:
        raise RuntimeError(f"cannot start PostgreSQL: {started.stderr.strip()[-500:]}")
    return started.stdout.strip().splitlines()[-1].split("=", 1)[1]


@pytest.fixture(scope="session")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from hexa_infra import search
    from hexa_infra.local.cloud import LocalCloud

    endpoint = search_endpoint(tmp_path_factory.mktemp("search"))
    search.reset(endpoint, "hexa-test")
    gateway_port = free_port()
    local = LocalCloud(
        str(TEMPLATE),
        stack_name="hexa-test",
        emulator_port=0,
        gateway_port=gateway_port,
        retry_delay=0.05,
        stream_poll_interval=0.02,
        trace_port=0,
        parameter_overrides={
            "SearchEndpoint": endpoint,
            "SearchRefreshInterval": "200ms",
            "ServiceBaseUrl": f"http://127.0.0.1:{gateway_port}",
        },
    )
    local.start()
    try:
        yield local
    finally:
        try:
            _report_unused_grants(local)
        finally:
            local.stop()


def _report_unused_grants(local) -> None:  # noqa: ANN001
    """What each function's role grants that none of its calls in this session needed (IAM is enforced
    on every call: a missing grant fails the test that makes the call; this is the other direction)."""
    import json

    report = {lid: fn.policy.unused_grants() for lid, fn in local.functions.items() if fn.policy is not None}
    target = TEMPLATE.parent / ".hexa" / "test-artifacts" / "iam-unused-grants.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(report, indent=2, sort_keys=True))


@pytest.fixture(scope="session")
def stack(cloud):  # noqa: ANN001, ANN201
    from hexa_infra.stack import Stack

    return Stack.of(cloud)


@pytest.fixture(scope="session")
def admin_token(stack) -> str:  # noqa: ANN001
    return stack.token(role="admin")


@pytest.fixture(scope="session")
def api(cloud, admin_token: str) -> Api:  # noqa: ANN001
    return Api(cloud.api_url, admin_token)


@pytest.fixture()
def partner_api(cloud, stack):  # noqa: ANN001, ANN201
    """``partner_api(partner_id)`` → an Api client holding that partner's token."""
    return lambda partner_id: Api(cloud.api_url, stack.token(role="partner", partner_id=partner_id))


@pytest.fixture(scope="session")
def aws(cloud):  # noqa: ANN001, ANN201
    return cloud.client


def pytest_report_header(config: pytest.Config) -> str:
    return f"CI={os.environ.get('CI', '')!r}: a missing server fails the run, never skips it"
