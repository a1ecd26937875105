"""Partner registration through the API: uniqueness under concurrency, validation, nothing half-written."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from support import Api, partner_body, register_partner


def test_concurrent_registrations_with_one_email_let_exactly_one_in(api: Api) -> None:
    body = partner_body()
    variants = [
        dict(body, email=body["email"].upper() if i % 2 else body["email"], name=f"Racer {i}")
        for i in range(12)
    ]
    clients = [Api(api.base_url, api.token) for _ in variants]  # one connection each: real parallelism
    with ThreadPoolExecutor(len(variants)) as pool:
        statuses = list(
            pool.map(lambda pair: pair[0].post("/partners", pair[1]).status_code, zip(clients, variants))
        )
    assert sorted(statuses) == [201] + [409] * (len(variants) - 1)
    matching = [
        p
        for p in api.get("/partners", params={"limit": 200}).json()["items"]
        if p["email"] == body["email"].lower()
    ]
    assert len(matching) == 1


@pytest.mark.parametrize(
    "body,field,status",
    [
        ({"email": "bad"}, "email", 422),
        ({"country": "XX"}, "country", 422),
        ({"partner_type": "X"}, "partner_type", 422),
        ({"commission_rate": "0.9"}, "commission_rate", 422),
        ({"phone": "12"}, "phone", 422),
        ({"unexpected": 1}, "unexpected", 422),
    ],
)
def test_invalid_registration_names_the_field_and_writes_nothing(
    api: Api, body: dict, field: str, status: int
) -> None:
    request = partner_body(**body)
    response = api.post("/partners", request)
    assert response.status_code == status
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]
    # nothing was written: the same email can still register once fixed
    fixed = {k: v for k, v in request.items() if k not in body}
    fixed["email"] = request["email"] if field != "email" else partner_body()["email"]
    assert api.post("/partners", {**partner_body(), **fixed}).status_code == 201


def test_malformed_json_is_400_and_non_object_is_422(api: Api) -> None:
    response = api.request(
        "POST", "/partners", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "malformed_request"
    assert api.post("/partners", [1, 2]).status_code == 422


def test_update_and_deactivate(api: Api) -> None:
    partner = register_partner(api, commission_rate="0.2")
    pid = partner["partner_id"]
    updated = api.patch(f"/partners/{pid}", {"phone": "+14155550100", "commission_rate": "0.15"}).json()
    assert updated["phone"] == "+14155550100" and updated["commission_rate"] == "0.15"
    assert api.patch(f"/partners/{pid}", {"email": "x@y.example"}).status_code == 422
    gone = api.post(f"/partners/{pid}/deactivate")
    assert gone.status_code == 200 and gone.json()["status"] == "DEACTIVATED"
    assert api.post(f"/partners/{pid}/deactivate").status_code == 409
    assert api.patch(f"/partners/{pid}", {"name": "Zombie"}).status_code == 409
    deactivated = api.get("/partners", params={"status": "DEACTIVATED", "limit": 200}).json()["items"]
    assert pid in {p["partner_id"] for p in deactivated}


def test_lists_paginate_without_repeats(api: Api) -> None:
    created = {register_partner(api, partner_type="INFLUENCER")["partner_id"] for _ in range(5)}
    seen, token = [], None
    while True:
        page = api.get(
            "/partners",
            params={"partner_type": "INFLUENCER", "limit": 2, **({"next_token": token} if token else {})},
        ).json()
        assert len(page["items"]) <= 2
        seen += [p["partner_id"] for p in page["items"]]
        token = page["next_token"]
        if not token:
            break
    assert len(seen) == len(set(seen)) and created <= set(seen)
    bad = api.get("/partners", params={"next_token": "garbage"})
    assert bad.status_code == 400 and bad.json()["error"]["details"][0]["field"] == "next_token"
    assert api.get("/partners", params={"limit": 100000}).status_code == 422
