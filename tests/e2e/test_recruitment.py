"""Recruitment end to end through the local API Gateway: the index follows DynamoDB through the
stream, rebuilds swap without an empty window, and hostile input never becomes a 500."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid

import pytest

from support import Api, poll


def candidate_body(**overrides: object) -> dict:
    unique = uuid.uuid4().hex[:8]
    return {
        "name": f"Candidate {unique}",
        "skills": ["Python", " aws ", "python"],
        "experience_years": 4,
        "location": "Madrid",
        "availability": "IMMEDIATE",
        "profile_summary": f"Builds things {unique}",
        **overrides,
    }


def search(api: Api, **params: object) -> dict:
    response = api.get("/candidates/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_create_update_delete_follow_through_the_stream(api: Api) -> None:
    word = f"zeta{uuid.uuid4().hex[:6]}"
    created = api.post("/candidates", candidate_body(profile_summary=f"Knows {word} deeply"))
    assert created.status_code == 201 and created.json()["skills"] == ["python", "aws"]
    cid = created.json()["candidate_id"]
    started = time.perf_counter()
    found = poll(lambda: search(api, q=word)["results"], what="the candidate searchable", interval=0.02)
    print(f"\ncreate → searchable: {(time.perf_counter() - started) * 1000:.0f} ms")
    assert found[0]["candidate"]["candidate_id"] == cid
    assert found[0]["highlights"]["profile_summary"] == [f"Knows <em>{word}</em> deeply"]

    assert api.patch(f"/candidates/{cid}", {"skills": ["Rust"], "location": "Bilbao"}).status_code == 200
    updated = poll(
        lambda: (lambda r: r if r and r[0]["candidate"]["skills"] == ["rust"] else None)(
            search(api, q=word)["results"]
        ),
        what="the update reflected",
    )
    assert updated[0]["candidate"]["location"] == "Bilbao"
    assert search(api, q=word, skills="python")["total"] == 0

    assert api.request("DELETE", f"/candidates/{cid}").status_code == 204
    poll(lambda: search(api, q=word)["total"] == 0, what="the candidate gone from search")
    assert api.get(f"/candidates/{cid}").status_code == 404
    assert api.request("DELETE", f"/candidates/{cid}").status_code == 404


def test_jobs_and_matches_with_partner_scoping(api: Api, partner_api) -> None:  # noqa: ANN001
    skill = f"skill{uuid.uuid4().hex[:6]}"
    strong = api.post("/candidates", candidate_body(skills=[skill, "docker"], experience_years=8)).json()
    weak = api.post("/candidates", candidate_body(skills=[skill], experience_years=1, location="Vigo")).json()
    api.post("/candidates", candidate_body(skills=[skill, "docker"], availability="UNAVAILABLE"))
    partner_id = str(uuid.uuid4())
    job = api.post(
        "/jobs",
        {
            "partner_id": partner_id,
            "title": "Platform engineer",
            "required_skills": [skill, "Docker"],
            "experience_required": 5,
            "location": "Madrid",
        },
    )
    assert job.status_code == 201 and job.json()["status"] == "OPEN"
    job_id = job.json()["job_id"]
    matches = poll(
        lambda: (lambda items: items if len(items) == 2 else None)(
            api.get(f"/jobs/{job_id}/matches").json()["items"]
        ),
        what="two matches",
    )
    assert [(m["candidate"]["candidate_id"], m["score"], m["matched_skills"]) for m in matches] == [
        (strong["candidate_id"], 28.0, [skill, "docker"]),
        (weak["candidate_id"], 10.0, [skill]),
    ]
    owner, stranger = partner_api(partner_id), partner_api(str(uuid.uuid4()))
    assert owner.get(f"/jobs/{job_id}/matches").status_code == 200
    assert stranger.get(f"/jobs/{job_id}/matches").status_code == 404
    assert stranger.get(f"/jobs/{job_id}").status_code == 404
    assert [j["job_id"] for j in owner.get("/jobs").json()["items"]] == [job_id]
    assert owner.post("/candidates", candidate_body()).status_code == 403
    assert api.patch(f"/jobs/{job_id}", {"status": "CLOSED"}).json()["status"] == "CLOSED"


def test_reindex_while_searching_never_shows_an_empty_result(api: Api, cloud) -> None:  # noqa: ANN001
    for _ in range(5):
        api.post("/candidates", candidate_body())
    poll(lambda: search(api)["total"] >= 5, what="candidates indexed")
    stop, totals = threading.Event(), []

    def keep_searching() -> None:
        client = Api(api.base_url, api.token)
        while not stop.is_set():
            totals.append(client.get("/candidates/search", params={"limit": 1}).json()["total"])

    watcher = threading.Thread(target=keep_searching)
    watcher.start()
    try:
        env = {
            **os.environ,
            "AWS_ENDPOINT_URL": cloud.endpoint_url,
            "HEXA_SEARCH_ENDPOINT": cloud.template.parameters["SearchEndpoint"],
        }
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "hexa_infra.cli",
                "search",
                "reindex",
                "--stack",
                cloud.stack_name,
                "--template",
                str(cloud.template_path),
            ],
            env={**env, "COLUMNS": "200"},
            capture_output=True,
            text=True,
            timeout=180,
        )
    finally:
        time.sleep(0.2)
        stop.set()
        watcher.join()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "candidates" in result.stdout and "jobs" in result.stdout
    assert totals and min(totals) >= 5, f"{len(totals)} searches, min total {min(totals) if totals else None}"
    assert search(api)["total"] >= 5


@pytest.mark.parametrize(
    "params,field",
    [
        ({"availability": "SOMETIME"}, "availability"),
        ({"min_experience": -1}, "min_experience"),
        ({"limit": 100000}, "limit"),
        ({"min_experience": 9, "max_experience": 2}, "max_experience"),
        ({"unknown": "x"}, "unknown"),
    ],
)
def test_bad_search_parameters_are_422_naming_the_field(api: Api, params: dict, field: str) -> None:
    response = api.get("/candidates/search", params=params)
    assert response.status_code == 422, response.text
    assert field in [d["field"] for d in response.json()["error"]["details"]]


@pytest.mark.parametrize("token", ["garbage", "W10", "WyJhIiwgMV0", "eyJxdWVyeSI6IHt9fQ"])
def test_malformed_next_token_is_400(api: Api, token: str) -> None:
    response = api.get("/candidates/search", params={"next_token": token})
    assert response.status_code == 400 and response.json()["error"]["details"][0]["field"] == "next_token"


@pytest.mark.parametrize(
    "q",
    [
        '{"query": {"match_all": {}}}',
        "*:*",
        "name:* OR 1=1",
        "\\",
        '"',
        "((((",
        "!!!",
        "a" * 500,
        "'; DROP TABLE candidates; --",
    ],
)
def test_hostile_text_is_a_safe_literal_search(api: Api, q: str) -> None:
    response = api.get("/candidates/search", params={"q": q})
    assert response.status_code == 200, response.text
    assert response.json()["total"] <= search(api)["total"]


def test_bad_candidate_input(api: Api) -> None:
    for body, field in [
        (candidate_body(experience_years=-1), "experience_years"),
        (candidate_body(experience_years=61), "experience_years"),
        (candidate_body(availability="SOON"), "availability"),
        (candidate_body(skills="python"), "skills"),
        (candidate_body(name=""), "name"),
    ]:
        response = api.post("/candidates", body)
        assert response.status_code == 422, response.text
        assert [d["field"] for d in response.json()["error"]["details"]][0].startswith(field)
