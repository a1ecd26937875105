"""The local facade in front of blue (the monolith stand-in) and green (the local cloud): each answer
says who served it, a partner's requests all go to one side, recruitment is green, moving the
percentage moves partners, and a side that is down is a JSON 502 naming it."""

from __future__ import annotations

import json
import uuid
from typing import Iterator

import pytest
import requests

from facade.cohorts import point
from facade.state import TrafficState
from hexa_infra.local.facade import Facade
from hexa_infra.tokens import SIGNING_KEY_RESOURCE, signing_key

from blue_support import serve_blue


@pytest.fixture(scope="module")
def sides(cloud, stack, postgres: str) -> Iterator[tuple]:  # noqa: ANN001
    key = signing_key(stack.clients("secretsmanager"), stack.resources[SIGNING_KEY_RESOURCE].ref)
    state = TrafficState(cloud.resources["TrafficStateTable"].ref, cache_seconds=0)
    with serve_blue(postgres, key) as blue:
        facade = Facade(blue.url, cloud.api_url, state, port=0).start()
        try:
            yield facade, state, blue
        finally:
            facade.stop()
            state.write(state.read(), green_percent=0, by="test cleanup")


def _partner_at(percent_below: bool, threshold: float) -> str:
    while True:
        candidate = str(uuid.uuid4())
        if (point(candidate) < threshold) == percent_below:
            return candidate


def test_each_answer_names_its_side_and_a_partner_stays_on_one(sides, admin_token: str) -> None:  # noqa: ANN001
    facade, state, _ = sides
    state.write(state.read(), green_percent=50, by="test")
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {admin_token}"
    green_one, blue_one = _partner_at(True, 50), _partner_at(False, 50)
    for partner, side in ((green_one, "green"), (blue_one, "blue")):
        for path in (f"/partners/{partner}", f"/permissions/{partner}", f"/partners/{partner}/profile-360"):
            answer = http.get(facade.url + path)
            assert answer.headers["X-Served-By"] == side, (path, answer.status_code)
        posted = http.post(facade.url + "/campaigns", data=json.dumps({"partner_id": partner, "name": "x"}))
        assert posted.headers["X-Served-By"] == side and posted.headers["Content-Type"].startswith(
            "application/json"
        )
    assert http.get(facade.url + "/jobs").headers["X-Served-By"] == "green"  # recruitment: green only
    health = requests.get(facade.url + "/health")
    assert health.status_code == 200 and health.headers["X-Served-By"] in ("blue", "green")


def test_moving_the_percentage_moves_partners_blue_to_green(sides, admin_token: str) -> None:  # noqa: ANN001
    facade, state, _ = sides
    partner = _partner_at(True, 30)  # green from 30% on
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {admin_token}"
    served = []
    for percent in (0, 10, 30, 60, 100):
        state.write(state.read(), green_percent=percent, by="test")
        served.append(http.get(f"{facade.url}/partners/{partner}").headers["X-Served-By"])
    first_green = served.index("green")
    assert set(served[:first_green]) <= {"blue"} and set(served[first_green:]) == {"green"}
    assert first_green <= 2


def test_a_side_that_does_not_answer_is_a_502_naming_it(cloud) -> None:  # noqa: ANN001
    state = TrafficState(cloud.resources["TrafficStateTable"].ref, cache_seconds=0)
    broken = Facade("http://127.0.0.1:9", cloud.api_url, state, port=0).start()  # nothing listens on port 9
    try:
        state.write(state.read(), green_percent=0, by="test")
        answer = requests.get(f"{broken.url}/partners/{uuid.uuid4()}")
        assert answer.status_code == 502 and answer.headers["X-Served-By"] == "blue"
        assert answer.json()["error"] == {
            "code": "bad_gateway",
            "message": "blue did not answer",
            "details": [],
        }
    finally:
        broken.stop()


def test_the_aws_facade_function_routes_by_the_same_cohorts_and_state(
    sides,
    admin_token: str,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """FacadeFunction (functions/facade/app.py), invoked with FacadeApi's proxy event, in front of the same
    blue and green: same cohorts, same state table, the side's answer passed through."""
    import base64
    import time

    from lambda_modules import lambda_module

    facade, state, blue = sides
    monkeypatch.setenv("TRAFFIC_STATE_TABLE", facade.state._row.Meta.table_name)  # noqa: SLF001
    monkeypatch.setenv("BLUE_URL", blue.url)
    monkeypatch.setenv("GREEN_URL", facade.sides["green"])
    lambda_app = lambda_module("facade")

    def call(method: str, path: str, body: bytes = b"", query: dict | None = None) -> dict:
        headers = {
            "Authorization": f"Bearer {admin_token}",
            "Content-Type": "application/json",
            "X-Amzn-Trace-Id": "Root=1-00000000-000000000000000000000000",
        }
        event = {
            "resource": "/{proxy+}",
            "path": path,
            "httpMethod": method,  # FacadeApi's REST proxy event
            "headers": headers,
            "multiValueHeaders": {k: [v] for k, v in headers.items()},
            "queryStringParameters": {k: v[-1] for k, v in (query or {}).items()} or None,
            "multiValueQueryStringParameters": query or None,
            "body": base64.b64encode(body).decode(),
            "isBase64Encoded": True,
        }
        return lambda_app.handle(event, None)

    state.write(state.read(), green_percent=40, by="test")
    time.sleep(1.1)  # the function's own one-second state cache
    for partner, side in ((_partner_at(True, 40), "green"), (_partner_at(False, 40), "blue")):
        answer = call("GET", f"/partners/{partner}")
        assert answer["headers"]["X-Served-By"] == side and answer["statusCode"] == 404
        assert json.loads(base64.b64decode(answer["body"]))["error"]["code"]
        posted = call("POST", "/campaigns", json.dumps({"partner_id": partner, "name": "x"}).encode())
        assert posted["headers"]["X-Served-By"] == side and posted["statusCode"] in (400, 403, 404, 422)
    jobs = call("GET", "/jobs", query={"limit": ["1"]})
    assert jobs["headers"]["X-Served-By"] == "green" and jobs["statusCode"] == 200
    assert len(json.loads(base64.b64decode(jobs["body"]))["items"]) <= 1  # the query string went along
    assert call("GET", "/jobs", query={"limit": ["0"]})["statusCode"] == 422  # ...and reached green
    monkeypatch.setenv("BLUE_URL", "http://127.0.0.1:9")  # nothing listens: a JSON 502 naming the side
    down = call("GET", f"/partners/{_partner_at(False, 40)}")
    assert down["statusCode"] == 502 and "blue did not answer" in down["body"]
