"""Session fixtures: one local cloud (embedded emulator + every template resource + API Gateway +
pollers) on free loopback ports, shared by the integration and e2e suites.

Nothing here is skipped: if a server cannot start, the tests that need it fail (CI=true or not).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from support import Api

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "template.yaml"


@pytest.fixture(scope="session")
def cloud() -> Iterator[object]:
    from hexa_infra.local.cloud import LocalCloud

    local = LocalCloud(str(TEMPLATE), stack_name="hexa-test", emulator_port=0, gateway_port=0,
                       retry_delay=0.05, stream_poll_interval=0.02)
    local.start()
    try:
        yield local
    finally:
        local.stop()


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
