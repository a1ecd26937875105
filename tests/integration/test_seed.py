"""`hexa up`'s demo data goes through the public API, and seeding twice changes nothing."""

from __future__ import annotations

from hexa_infra.seed import DEMO_PARTNERS, seed
from support import Api, poll


def test_seed_is_complete_and_idempotent(cloud, admin_token: str, api: Api) -> None:  # noqa: ANN001
    first = seed(cloud.api_url, admin_token)
    assert len(first.partner_ids) == len(DEMO_PARTNERS) and first.active_contract_id and first.campaign_id
    assert api.get(f"/contracts/{first.active_contract_id}").json()["status"] == "ACTIVE"
    campaign = api.get(f"/campaigns/{first.campaign_id}").json()
    assert (campaign["status"], campaign["spent"]) == ("ACTIVE", "1304.25")
    assert api.get(f"/campaigns/{first.campaign_id}/performance").json()["totals"]["revenue"] == "5733.05"

    matches = poll(lambda: api.get(f"/jobs/{first.job_id}/matches").json()["items"], what="demo matches")
    assert matches[0]["candidate"]["name"] == "Valentina Ríos"  # both skills, Madrid; Lucía is UNAVAILABLE
    assert "Lucía Fernández" not in {m["candidate"]["name"] for m in matches}

    again = seed(cloud.api_url, admin_token)
    assert (again.partner_ids, again.active_contract_id, again.campaign_id, again.job_id) == (
        first.partner_ids,
        first.active_contract_id,
        first.campaign_id,
        first.job_id,
    )
    assert api.get("/candidates/search", params={"q": "Valentina"}).json()["total"] == 1
