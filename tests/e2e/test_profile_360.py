"""Profile 360 through the local API Gateway: all four contexts in one call, and never all-or-nothing."""

from __future__ import annotations

import time
import uuid

import pytest

from support import Api, campaign_body, partner_with_permission

TIMEOUT = 0.3  # the template's Profile360TimeoutMs default


@pytest.fixture(scope="module")
def populated(api: Api) -> dict:
    partner, contract_id = partner_with_permission(api)
    pid = partner["partner_id"]
    campaigns = [api.post("/campaigns", campaign_body(pid, budget=b)).json() for b in ("1000.00", "250.50")]
    api.post(f"/campaigns/{campaigns[1]['campaign_id']}/pause")
    job = api.post(
        "/jobs",
        {
            "partner_id": pid,
            "title": "Creator",
            "required_skills": ["video"],
            "experience_required": 1,
            "location": "Madrid",
        },
    ).json()
    return {"partner": partner, "contract_id": contract_id, "campaigns": campaigns, "job": job}


def profile(client: Api, partner_id: str) -> tuple[int, dict, float]:
    started = time.perf_counter()
    response = client.get(f"/partners/{partner_id}/profile-360")
    return response.status_code, response.json(), time.perf_counter() - started


def test_all_sections_from_their_owners(api: Api, populated: dict) -> None:
    pid = populated["partner"]["partner_id"]
    status, body, _ = profile(api, pid)
    assert status == 200, body
    assert body["sources"] == {"contracts": "ok", "campaigns": "ok", "recruitment": "ok"}
    assert body["partner"]["partner_id"] == pid and body["last_updated"].endswith("Z")
    assert [c["contract_id"] for c in body["contracts"]] == [populated["contract_id"]]
    assert body["contracts"][0]["status"] == "ACTIVE"
    assert {c["campaign_id"] for c in body["campaigns"]} == {c["campaign_id"] for c in populated["campaigns"]}
    assert body["campaign_summary"] == {
        "count": 2,
        "active": 1,
        "open_budget": "1250.50",
        "total_spent": "0.00",
        "open_budget_remaining": "1250.50",
    }
    assert [j["job_id"] for j in body["recruitment"]["jobs"]] == [populated["job"]["job_id"]]


def test_the_partners_own_token_works_and_another_partner_is_404(
    api: Api, populated: dict, partner_api
) -> None:  # noqa: ANN001
    pid = populated["partner"]["partner_id"]
    status, body, _ = profile(partner_api(pid), pid)  # the owners see the partner's own token, not an admin's
    assert status == 200 and body["sources"] == {"contracts": "ok", "campaigns": "ok", "recruitment": "ok"}
    assert len(body["campaigns"]) == 2
    status, body, _ = profile(partner_api(str(uuid.uuid4())), pid)
    assert status == 404 and body["error"]["code"] == "not_found"
    assert profile(api, str(uuid.uuid4()))[0] == 404


def test_a_stopped_owner_degrades_only_its_section(api: Api, populated: dict, cloud) -> None:  # noqa: ANN001
    pid = populated["partner"]["partner_id"]
    cloud.inject_fault("CampaignManagementApiFunction", down=True)
    try:
        status, body, _ = profile(api, pid)
    finally:
        cloud.clear_faults()
    assert status == 200
    assert body["sources"] == {"contracts": "ok", "campaigns": "unavailable", "recruitment": "ok"}
    assert body["campaigns"] is None and body["campaign_summary"] is None
    assert "503" in body["unavailable_reasons"]["campaigns"]
    assert body["contracts"] and body["recruitment"]["jobs"]


def test_a_stalled_owner_is_cut_off_at_the_timeout(api: Api, populated: dict, cloud) -> None:  # noqa: ANN001
    pid = populated["partner"]["partner_id"]
    profile(api, pid)  # warm connections and caches
    cloud.inject_fault("RecruitmentApiFunction", stall=2.0)
    try:
        status, body, elapsed = profile(api, pid)
    finally:
        cloud.clear_faults()
    print(
        f"\nprofile-360 with a stalled owner answered in {elapsed * 1000:.0f} ms "
        f"(timeout {TIMEOUT * 1000:.0f} ms)"
    )
    assert status == 200
    assert body["sources"] == {"contracts": "ok", "campaigns": "ok", "recruitment": "unavailable"}
    assert body["recruitment"] is None and "300 ms" in body["unavailable_reasons"]["recruitment"]
    assert elapsed < TIMEOUT + 0.1
