"""OpenAPI generation and the response contract of ``HttpApi`` (a real Chalice app, its test client)."""

from __future__ import annotations

import json
from typing import Optional

import pytest
from chalice import Chalice
from chalice.test import Client
from pydantic import Field, StrictInt, StrictStr

from hexa_shared.fields import Money, StrictModel
from hexa_shared.http import HttpApi, Reply, RequestContext
from hexa_shared.http.openapi import Operation, document, merge
from hexa_shared.http.views import View


class Widget(View):
    widget_id: StrictStr
    size: StrictInt


class MakeWidget(StrictModel):
    size: int = Field(ge=1)
    price: Money


class WidgetQuery(StrictModel):
    size: Optional[int] = None
    limit: int = Field(10, ge=1, le=50)


def _app() -> tuple[Chalice, HttpApi]:
    app = Chalice(app_name="widgets")
    api = HttpApi(app, service="widgets", signing_key=lambda: lambda: "k" * 64)  # no stack: a fixed key

    @api.route("/widgets", methods=["POST"], public=True, status=201, body=MakeWidget, response=Widget)
    def make(request: RequestContext) -> Reply:
        command = request.body(MakeWidget)
        return Reply({"widget_id": "w1", "size": command.size}, {"ETag": '"1"'})

    @api.route("/widgets/{widget_id}", methods=["GET"], public=True, response=Widget)
    def get_one(_: RequestContext, widget_id: str) -> dict[str, object]:
        return {"widget_id": widget_id, "size": "3" if widget_id == "drifted" else 3}

    @api.route("/sloppy", methods=["GET"], public=True)
    def sloppy(request: RequestContext) -> dict[str, object]:
        return request.query(WidgetQuery).model_dump()

    return app, api


def test_an_answer_that_breaks_its_response_model_is_a_500_not_a_silent_drift() -> None:
    app, _ = _app()
    with Client(app) as client:
        good = client.http.get("/widgets/w7")
        drifted = client.http.get("/widgets/drifted")
    assert good.status_code == 200 and good.json_body == {"widget_id": "w7", "size": 3}
    assert drifted.status_code == 500 and drifted.json_body["error"]["code"] == "internal_error"


def test_reply_headers_reach_the_client_and_the_route_status_applies() -> None:
    app, _ = _app()
    with Client(app) as client:
        made = client.http.post(
            "/widgets",
            headers={"Content-Type": "application/json"},
            body=json.dumps({"size": 2, "price": "9.99"}),
        )
    assert made.status_code == 201 and made.headers["ETag"] == '"1"' and made.json_body["size"] == 2


def test_reading_a_query_the_route_does_not_declare_is_refused() -> None:
    app, _ = _app()
    with Client(app) as client:
        answer = client.http.get("/sloppy")
    assert answer.status_code == 500  # the spec would not mention the query: a bug, caught by any call


def test_document_describes_bodies_queries_responses_and_errors() -> None:
    operations = [
        Operation("/widgets", "POST", "w.make", "make", status=201, body=MakeWidget, response=Widget),
        Operation("/widgets", "GET", "w.list", "list", query=WidgetQuery, response=Widget),
        Operation(
            "/widgets/{widget_id}/touch",
            "POST",
            "w.touch",
            "touch",
            if_match=True,
            response=Widget,
            headers=(("ETag", "the version"),),
        ),
        Operation("/health", "GET", "w.health", "health", public=True),
    ]
    doc = document("Widgets", "1.0.0", operations)
    assert doc["openapi"] == "3.1.0"
    post = doc["paths"]["/widgets"]["post"]
    assert post["requestBody"]["required"] is True
    assert set(post["responses"]) == {"201", "400", "401", "403", "404", "409", "413", "415", "422", "500"}
    assert post["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }
    price = doc["components"]["schemas"]["MakeWidget"]["properties"]["price"]
    assert {"type": "number"} not in price["anyOf"]  # money is never a float on the wire
    size_param = next(p for p in doc["paths"]["/widgets"]["get"]["parameters"] if p["name"] == "size")
    assert size_param["schema"] == {"type": "integer", "title": "Size"}  # no null in a query parameter
    touch = doc["paths"]["/widgets/{widget_id}/touch"]["post"]
    assert {p["name"] for p in touch["parameters"]} == {"widget_id", "If-Match"} and "412" in touch[
        "responses"
    ]
    assert set(touch["responses"]["200"]["headers"]) == {"X-Correlation-Id", "ETag"}
    assert touch["responses"]["200"]["headers"]["ETag"]["required"] is True
    assert set(touch["responses"]["409"]["headers"]) == {"X-Correlation-Id"}
    health = doc["paths"]["/health"]["get"]
    assert health["security"] == [] and set(health["responses"]) == {"200", "415", "500"}
    assert doc["components"]["schemas"]["Widget"]["additionalProperties"] is False


def test_merge_keeps_shared_components_once_and_renames_clashing_ones() -> None:
    class Thing(View):
        a: StrictStr

    one = document("One", "1", [Operation("/one", "GET", "one.get", "get", response=Thing)])

    class Thing(View):  # noqa: F811 - another context's different model of the same name
        b: StrictInt

    two = document("Two", "1", [Operation("/two", "GET", "two.get", "get", response=Thing)])
    merged = merge("All", "1", [one, two])
    assert set(merged["paths"]) == {"/one", "/two"}
    assert merged["components"]["schemas"]["Thing"]["required"] == ["a"]
    assert merged["components"]["schemas"]["TwoThing"]["required"] == ["b"]
    assert merged["paths"]["/two"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TwoThing"
    }
    assert "TwoErrorBody" not in merged["components"]["schemas"]  # identical: kept once


def test_merge_renames_a_shared_looking_schema_whose_reference_was_renamed() -> None:
    class Item(View):
        a: StrictStr

    class Wrapper(View):
        item: Item

    one = document("One", "1", [Operation("/one", "GET", "one.get", "get", response=Wrapper)])

    class Item(View):  # noqa: F811 - differs
        b: StrictInt

    class Wrapper(View):  # noqa: F811 - same text as One's, but means Two's Item
        item: Item

    two = document("Two", "1", [Operation("/two", "GET", "two.get", "get", response=Wrapper)])
    merged = merge("All", "1", [one, two])
    schemas = merged["components"]["schemas"]
    assert schemas["Wrapper"]["properties"]["item"] == {"$ref": "#/components/schemas/Item"}
    assert schemas["TwoWrapper"]["properties"]["item"] == {"$ref": "#/components/schemas/TwoItem"}
    assert merged["paths"]["/two"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TwoWrapper"
    }


def test_merge_refuses_two_contexts_claiming_one_operation() -> None:
    one = document("One", "1", [Operation("/x", "GET", "one.x", "x")])
    two = document("Two", "1", [Operation("/x", "GET", "two.x", "x")])
    with pytest.raises(ValueError, match="/x"):
        merge("All", "1", [one, two])


def test_a_broken_answer_is_logged_without_its_values(capsys: pytest.CaptureFixture[str]) -> None:
    app = Chalice(app_name="leaky")
    api = HttpApi(app, service="leaky", signing_key=lambda: lambda: "k" * 64)

    @api.route("/people/{person_id}", methods=["GET"], public=True, response=Widget)
    def person(_: RequestContext, person_id: str) -> dict[str, object]:
        return {"widget_id": person_id, "size": "secret-tax-id-X123"}

    with Client(app) as client:
        assert client.http.get("/people/p1").status_code == 500
    logged = capsys.readouterr()
    text = logged.out + logged.err
    assert "answer breaks Widget: size: int_type" in text and "secret-tax-id-X123" not in text
