"""Demo data for ``hexa up``, created through the public HTTP API (so it exercises the real flow).

Idempotent: re-seeding a stack that already has the demo partners (409 on their emails) reuses them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta

import requests

DEMO_PARTNERS = [
    {
        "name": "Acme Media S.L.",
        "email": "partners@acme-media.example",
        "partner_type": "COMPANY",
        "country": "ES",
        "tax_id": "B-12345678",
        "phone": "+34911222333",
        "commission_rate": "0.12",
    },
    {
        "name": "Lucía Creates",
        "email": "lucia@creates.example",
        "partner_type": "INFLUENCER",
        "country": "MX",
    },
    {
        "name": "Norte Agency",
        "email": "hello@norte.example",
        "partner_type": "AGENCY",
        "country": "AR",
        "commission_rate": "0.15",
    },
]


DEMO_CANDIDATES = [
    {
        "name": "Valentina Ríos",
        "skills": ["video editing", "tiktok", "copywriting"],
        "experience_years": 4,
        "location": "Madrid",
        "availability": "IMMEDIATE",
        "profile_summary": "Short-form video creator who grew three ecommerce brands on TikTok",
    },
    {
        "name": "Tomás Herrera",
        "skills": ["seo", "sem", "google ads", "analytics"],
        "experience_years": 7,
        "location": "Barcelona",
        "availability": "TWO_WEEKS",
        "profile_summary": "Performance marketer: paid search, SEO audits and attribution dashboards",
    },
    {
        "name": "Camila Duarte",
        "skills": ["python", "sql", "dbt", "analytics"],
        "experience_years": 5,
        "location": "Mexico City",
        "availability": "ONE_MONTH",
        "profile_summary": "Marketing data analyst building campaign ROI models in Python and dbt",
    },
    {
        "name": "Joaquín Pérez",
        "skills": ["instagram", "photography", "copywriting"],
        "experience_years": 2,
        "location": "Madrid",
        "availability": "IMMEDIATE",
        "profile_summary": "Lifestyle photographer and Instagram storyteller for fashion partners",
    },
    {
        "name": "Lucía Fernández",
        "skills": ["tiktok", "video editing", "community management"],
        "experience_years": 6,
        "location": "Buenos Aires",
        "availability": "UNAVAILABLE",
        "profile_summary": "Community manager and video editor, currently on a long engagement",
    },
]


@dataclass
class SeedResult:
    partner_ids: list[str]
    active_contract_id: str | None
    campaign_id: str | None = None
    job_id: str | None = None


def seed(api_url: str, admin_token: str, timeout: float = 15.0) -> SeedResult:
    http = requests.Session()
    http.headers.update({"Authorization": f"Bearer {admin_token}", "X-Correlation-Id": "seed"})
    partner_ids = [_register(http, api_url, body) for body in DEMO_PARTNERS]
    contract = _wait_for_draft(http, api_url, partner_ids[0], timeout)
    if contract and contract["status"] == "DRAFT":
        cid = contract["contract_id"]
        for step, body in (("submit", {}), ("sign", {"signed_by": "María García (CEO)"}), ("activate", {})):
            http.post(f"{api_url}/contracts/{cid}/{step}", json=body, timeout=10).raise_for_status()
    campaign_id = _demo_campaign(http, api_url, partner_ids[0], timeout)
    job_id = _demo_recruitment(http, api_url, partner_ids[0])
    return SeedResult(partner_ids, contract["contract_id"] if contract else None, campaign_id, job_id)


def _demo_recruitment(http: requests.Session, api_url: str, partner_id: str) -> str:
    """A job for the demo partner and a small talent pool (once: the job is the marker)."""
    existing = http.get(f"{api_url}/jobs", params={"partner_id": partner_id}, timeout=10).json()["items"]
    if existing:
        return existing[0]["job_id"]
    for candidate in DEMO_CANDIDATES:
        http.post(f"{api_url}/candidates", json=candidate, timeout=10).raise_for_status()
    job = http.post(
        f"{api_url}/jobs",
        timeout=10,
        json={
            "partner_id": partner_id,
            "title": "TikTok video creator",
            "description": "Short-form content for Black Friday",
            "required_skills": ["tiktok", "video editing"],
            "experience_required": 3,
            "location": "Madrid",
        },
    )
    job.raise_for_status()
    return job.json()["job_id"]


def _demo_campaign(http: requests.Session, api_url: str, partner_id: str, timeout: float) -> str | None:
    """Once the contract's permission arrives: one campaign with three days of performance."""
    existing = http.get(f"{api_url}/campaigns", params={"partner_id": partner_id}, timeout=10).json()["items"]
    if existing:
        return existing[0]["campaign_id"]
    deadline = time.monotonic() + timeout
    while not http.get(f"{api_url}/permissions/{partner_id}", timeout=10).json()["can_create_campaigns"]:
        if time.monotonic() > deadline:
            return None
        time.sleep(0.05)
    today = date.today()
    campaign = http.post(
        f"{api_url}/campaigns",
        timeout=10,
        json={
            "partner_id": partner_id,
            "name": "Black Friday 2026",
            "description": "Demo campaign",
            "budget": "5000.00",
            "start_date": (today - timedelta(days=14)).isoformat(),
            "end_date": (today + timedelta(days=30)).isoformat(),
        },
    )
    campaign.raise_for_status()
    campaign_id = campaign.json()["campaign_id"]
    for days_ago, (impressions, clicks, conversions, revenue, spend) in enumerate(
        [
            (12000, 480, 36, "1890.00", "410.50"),
            (9800, 350, 21, "1102.25", "388.00"),
            (15100, 610, 52, "2740.80", "505.75"),
        ],
        start=1,
    ):
        http.put(
            f"{api_url}/campaigns/{campaign_id}/performance/{(today - timedelta(days=days_ago)).isoformat()}",
            timeout=10,
            json={
                "impressions": impressions,
                "clicks": clicks,
                "conversions": conversions,
                "revenue": revenue,
                "spend": spend,
            },
        ).raise_for_status()
    return campaign_id


def _register(http: requests.Session, api_url: str, body: dict) -> str:
    response = http.post(f"{api_url}/partners", json=body, timeout=10)
    if response.status_code == 409:  # already seeded: find it by email
        page = http.get(f"{api_url}/partners", params={"limit": 200}, timeout=10).json()
        return next(p["partner_id"] for p in page["items"] if p["email"] == body["email"])
    response.raise_for_status()
    return response.json()["partner_id"]


def _wait_for_draft(http: requests.Session, api_url: str, partner_id: str, timeout: float) -> dict | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        items = http.get(f"{api_url}/contracts", params={"partner_id": partner_id}, timeout=10).json()[
            "items"
        ]
        if items:
            return items[0]
        time.sleep(0.05)
    return None
