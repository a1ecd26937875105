"""The served OpenAPI documents: one per context, the merged one, and what they promise."""

from __future__ import annotations

import re

import pytest
import requests
import schemathesis

pytestmark = pytest.mark.e2e

SPEC_PATH = re.compile(r"^/openapi/([\w-]+)\.json$")


def _get(cloud, path: str, token: str | None) -> requests.Response:  # noqa: ANN001
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(cloud.api_url + path, headers=headers, timeout=10)


def _operations(doc: dict) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in doc["paths"].items() for method in item}


def test_each_context_documents_exactly_the_routes_its_function_serves(cloud, admin_token) -> None:  # noqa: ANN001
    spec_routes = {path: function for method, path, function in cloud.routes if SPEC_PATH.match(path)}
    assert len(spec_routes) == 4
    for spec_path, function in spec_routes.items():
        doc = _get(cloud, spec_path, admin_token).json()
        served = {
            (method, path) for method, path, owner in cloud.routes if owner == function and path != spec_path
        }
        assert _operations(doc) == served, spec_path
        assert doc["openapi"] == "3.1.0"


def test_the_gateway_serves_one_merged_valid_document(cloud, admin_token) -> None:  # noqa: ANN001
    merged = _get(cloud, "/openapi.json", admin_token)
    assert merged.status_code == 200
    doc = merged.json()
    served = {(method, path) for method, path, _ in cloud.routes if not SPEC_PATH.match(path)}
    assert _operations(doc) == served
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', merged.text))
    assert refs <= set(doc["components"]["schemas"])
    schemathesis.openapi.from_dict(doc).validate()  # a valid OpenAPI 3.1 document


def test_documents_need_a_token_like_every_api_but_health(cloud, admin_token) -> None:  # noqa: ANN001
    assert _get(cloud, "/openapi/recruitment.json", None).status_code == 401
    assert _get(cloud, "/openapi.json", None).status_code == 401
    doc = _get(cloud, "/openapi.json", admin_token).json()
    assert doc["paths"]["/health"]["get"]["security"] == []
    assert doc["paths"]["/partners"]["post"]["responses"]["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }


def test_a_partner_token_may_read_the_documents(cloud, stack) -> None:  # noqa: ANN001
    token = stack.token(role="partner", partner_id="00000000-0000-4000-8000-000000000000")
    assert _get(cloud, "/openapi/onboarding.json", token).status_code == 200
