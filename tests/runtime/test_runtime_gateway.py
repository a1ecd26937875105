"""The local API gateway: routes come from the template, proxy events look like API Gateway's."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from hexa_infra.local.cloud import LocalCloud


@pytest.fixture(scope="module")
def cloud(fixture_template: Path) -> Iterator[LocalCloud]:
    with LocalCloud(
        fixture_template, stack_name="rt-gw", emulator_port=0, gateway_port=0, start_pollers=False
    ) as running:
        yield running


def test_routes_are_the_templates(cloud: LocalCloud) -> None:
    assert ("GET", "/echo", "ApiFunction") in cloud.routes
    assert ("GET", "/items/{item_id}", "ApiFunction") in cloud.routes
    assert ("ANY", "/any", "ApiFunction") in cloud.routes
    assert ("GET", "/things/{thing_id}", "ChaliceFunction") in cloud.routes
    assert len(cloud.routes) == 9


def test_proxy_event_shape(cloud: LocalCloud, http: Callable) -> None:
    resp = http(
        cloud.api_url, "GET", "/echo?x=1&x=2&y=", headers={"X-Thing": "t", "Authorization": "Bearer s"}
    )
    assert resp.status == 200
    assert resp.header("X-Multi") == ["a", "b"]
    payload = resp.json()
    event = payload["event"]
    assert event["resource"] == "/echo" and event["path"] == "/echo" and event["httpMethod"] == "GET"
    assert event["queryStringParameters"] == {"x": "2", "y": ""}
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"], "y": [""]}
    assert event["pathParameters"] is None and event["stageVariables"] is None
    assert event["body"] is None and event["isBase64Encoded"] is False
    assert event["headers"]["X-Thing"] == "t" and event["multiValueHeaders"]["X-Thing"] == ["t"]
    ctx = event["requestContext"]
    assert ctx["resourcePath"] == "/echo" and ctx["stage"] == "test" and ctx["path"] == "/test/echo"
    assert ctx["identity"]["sourceIp"] == "127.0.0.1" and ctx["accountId"] == "123456789012"
    assert ctx["apiId"] == cloud.resources["FixtureApi"].ref and ctx["requestId"]
    assert resp.header("x-amzn-RequestId") == [ctx["requestId"]]
    assert payload["function_name"] == "rt-gw-ApiFunction" and 0 < payload["remaining_ms"] <= 10_000
    assert payload["xray_segment"] == "rt-gw-ApiFunction"
    env = payload["env"]
    assert env["API_MODE"] == "echo" and env["GREETING"] == "hello"
    assert env["ITEMS_TABLE"] == cloud.resources["ItemsTable"].ref == "rt-gw-ItemsTable"
    assert env["AWS_ENDPOINT_URL"] == cloud.endpoint_url


def test_path_parameters_and_specificity(cloud: LocalCloud, http: Callable) -> None:
    event = http(cloud.api_url, "GET", "/items/abc%20d").json()["event"]
    assert event["resource"] == "/items/{item_id}" and event["pathParameters"] == {"item_id": "abc d"}
    special = http(cloud.api_url, "GET", "/items/special").json()["event"]
    assert special["resource"] == "/items/special" and special["pathParameters"] is None
    proxy = http(cloud.api_url, "GET", "/files/a/b/c.txt").json()["event"]
    assert proxy["resource"] == "/files/{proxy+}" and proxy["pathParameters"] == {"proxy": "a/b/c.txt"}
    assert http(cloud.api_url, "GET", "/items").json()["event"]["resource"] == "/items"


def test_any_method_404_and_405(cloud: LocalCloud, http: Callable) -> None:
    for method in ("GET", "DELETE", "PUT"):
        resp = http(cloud.api_url, method, "/any")
        assert resp.status == 200 and resp.json()["event"]["httpMethod"] == method
    missing = http(cloud.api_url, "GET", "/nowhere")
    assert missing.status == 404
    assert missing.json()["error"]["code"] == "route_not_found" and missing.json()["error"]["details"] == []
    wrong = http(cloud.api_url, "POST", "/echo", body=b"{}")
    assert wrong.status == 405
    assert wrong.json()["error"]["code"] == "method_not_allowed" and wrong.header("Allow") == ["GET"]


def test_handler_exception_is_a_502(cloud: LocalCloud, http: Callable) -> None:
    resp = http(cloud.api_url, "GET", "/boom")
    assert resp.status == 502
    assert resp.json()["error"]["code"] == "bad_gateway"


def test_binary_bodies_round_trip(cloud: LocalCloud, http: Callable) -> None:
    raw = bytes(range(256))
    resp = http(
        cloud.api_url, "POST", "/binary", body=raw, headers={"Content-Type": "application/octet-stream"}
    )
    assert resp.status == 200 and resp.body == raw[::-1]
    text = http(cloud.api_url, "POST", "/binary", body="héllo".encode())
    assert text.body == "héllo".encode()[::-1]


def test_chalice_app_serves_concurrent_requests_with_thread_local_state(
    cloud: LocalCloud, http: Callable
) -> None:
    def get(n: int) -> dict:
        resp = http(cloud.api_url, "GET", f"/things/t{n}")
        assert resp.status == 200, resp.body
        return json.loads(resp.body)

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(get, range(48)))
    assert [r["thing_id"] for r in results] == [f"t{n}" for n in range(48)]
    assert all(r["seen_by_request"] == r["thing_id"] for r in results)
    assert len({r["request_id"] for r in results}) == 48


def test_keep_alive_connection_serves_many_requests(cloud: LocalCloud) -> None:
    import http.client as httplib
    from urllib.parse import urlsplit

    url = urlsplit(cloud.api_url)
    conn = httplib.HTTPConnection(url.hostname, url.port, timeout=5)
    try:
        for n in range(5):
            conn.request("GET", f"/items/{n}")
            resp = conn.getresponse()
            assert resp.status == 200
            assert json.loads(resp.read())["event"]["pathParameters"] == {"item_id": str(n)}
    finally:
        conn.close()


def test_a_route_removed_from_the_template_is_not_served(fixture_copy: Path, http: Callable) -> None:
    text = fixture_copy.read_text()
    echo_line = next(line for line in text.splitlines() if line.strip().startswith("Echo:"))
    fixture_copy.write_text(text.replace(echo_line + "\n", ""))
    with LocalCloud(
        fixture_copy, stack_name="rt-gw-edited", emulator_port=0, gateway_port=0, start_pollers=False
    ) as edited:
        assert ("GET", "/echo", "ApiFunction") not in edited.routes
        assert http(edited.api_url, "GET", "/echo").status == 404
        assert http(edited.api_url, "GET", "/items/x").status == 200


def test_direct_invoke(cloud: LocalCloud) -> None:
    result = cloud.invoke("ApiFunction", {"resource": "/binary", "body": "YWJj", "isBase64Encoded": True})
    assert base64.b64decode(result["body"]) == b"cba"
    with pytest.raises(KeyError):
        cloud.invoke("Nope", {})
