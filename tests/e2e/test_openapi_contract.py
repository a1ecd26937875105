"""schemathesis against each context's OpenAPI document, on the running local cloud.

Every operation gets a bounded, derandomised set of generated requests (valid and invalid) sent with
an admin token through the API Gateway. Checks: no 5xx, every status is one the spec declares, every
body matches the declared schema (a response model or the error body), and every declared header
(X-Correlation-Id, a contract's ETag) is there.
"""

from __future__ import annotations

import os
import re

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from support import campaign_body, partner_with_permission
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.e2e

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))
BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


PERFORMANCE = {"impressions": 1000, "clicks": 50, "conversions": 5, "revenue": "500.00", "spend": "100.00"}
CONTEXTS = ["partner-management", "onboarding", "campaign-management", "recruitment"]


def _spec(cloud, admin_token: str, context: str):  # noqa: ANN001, ANN202
    response = requests.get(
        f"{cloud.api_url}/openapi/{context}.json",
        headers={"Authorization": f"Bearer {admin_token}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return schemathesis.openapi.from_dict(response.json())


@pytest.fixture()
def known(api) -> dict[str, str]:  # noqa: ANN001
    """Existing resources, so generated requests also reach the success paths, not only 404s."""
    partner, contract_id = partner_with_permission(api)
    campaign = api.post("/campaigns", campaign_body(partner["partner_id"])).json()
    assert (
        api.request(
            "PUT", f"/campaigns/{campaign['campaign_id']}/performance/2026-02-01", PERFORMANCE
        ).status_code
        == 200
    )
    job = api.post(
        "/jobs",
        {
            "partner_id": partner["partner_id"],
            "title": "Data engineer",
            "required_skills": ["python"],
            "experience_required": 2,
            "location": "Madrid",
        },
    ).json()
    candidate = api.post(
        "/candidates",
        {
            "name": "Ada",
            "skills": ["python"],
            "experience_years": 3,
            "location": "Madrid",
            "availability": "IMMEDIATE",
        },
    ).json()
    return {
        "partner_id": partner["partner_id"],
        "contract_id": contract_id,
        "campaign_id": campaign["campaign_id"],
        "date": "2026-02-02",
        "job_id": job["job_id"],
        "candidate_id": candidate["candidate_id"],
    }


def _failures(
    operation,
    mode: GenerationMode,
    cloud,
    admin_token: str,  # noqa: ANN001
    path_parameters: dict[str, str] | None = None,
) -> list[str]:
    """Run one operation's bounded examples in one generation mode; describe what broke, if anything."""
    found: list[str] = []

    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    @BOUNDED
    def run(case) -> None:  # noqa: ANN001
        try:
            case.call_and_validate(
                base_url=cloud.api_url,
                headers={"Authorization": f"Bearer {admin_token}"},
                checks=CHECKS,
                timeout=15,
            )
        except Exception as failure:  # noqa: BLE001 - collected, reported below with the request
            found.append(f"{operation.label} [{mode.value}]: {failure}")
            raise

    try:
        run()
    except Unsatisfiable:
        if mode is not GenerationMode.NEGATIVE or operation.path != "/health":
            raise  # only a public route without inputs has nothing to make invalid
    except Exception:  # noqa: BLE001 - hypothesis re-raises the (shrunk) failure, already in `found`
        if not found:  # not a check failure: generation itself failed, which must not pass silently
            raise
    return found[-1:]


@pytest.mark.parametrize("context", CONTEXTS)
def test_api_keeps_its_openapi_contract(cloud, admin_token, known, context):  # noqa: ANN001
    """Per operation: valid and invalid requests on unknown ids, then valid requests on existing ones."""
    schema = _spec(cloud, admin_token, context)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, f"{context} documents no operation"
    failures = [
        failure
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        for failure in _failures(operation, mode, cloud, admin_token)
    ]
    failures += [
        failure
        for operation in operations
        if "{" in operation.path
        for failure in _failures(
            operation,
            GenerationMode.POSITIVE,
            cloud,
            admin_token,
            {name: known[name] for name in _path_params(operation.path)},
        )
    ]
    assert not failures, "\n\n".join(failures)


def _path_params(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)
