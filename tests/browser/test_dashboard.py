"""The migration dashboard in a real browser (headless chromium) against the local cloud: nothing but the
sign-in without a token, every panel after signing in by the URL fragment with no console error, numbers
that follow the API live, a rollout state change shown without a reload, and a phone-width layout that
does not overflow. A screenshot of each panel is kept (.hexa/test-artifacts/dashboard)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as shown
from selenium.webdriver.support.ui import WebDriverWait

from hexa_infra.rollout.store import RolloutStore

from support import register_partner

PANELS = ("rollout", "business", "technical", "infrastructure", "integration")


def _open_signed_in(browser, cloud, token: str) -> None:  # noqa: ANN001
    browser.get(f"{cloud.api_url}/_dashboard#token={token}")
    WebDriverWait(browser, 15).until(shown.visibility_of_element_located((By.ID, "panels")))
    WebDriverWait(browser, 15).until(lambda b: "updated" in b.find_element(By.ID, "meta").text)


def _number(browser, label: str) -> str:  # noqa: ANN001
    """Read in one script call: the page redraws its numbers every poll (an element handle would go stale)."""
    found = browser.execute_script(
        "for (const box of document.querySelectorAll('.number')) {"
        "  if (box.querySelector('.label').textContent === arguments[0]) return "
        "box.querySelector('.value').textContent;"
        "} return null;",
        label,
    )
    assert found is not None, f"no number labelled {label!r}"
    return found


def _severe(browser) -> list[dict]:  # noqa: ANN001
    return [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def test_without_a_token_only_the_sign_in_shows_and_the_data_is_refused(
    browser,
    cloud,
    stack,  # noqa: ANN001
    artifacts: Path,
) -> None:
    browser.get(f"{cloud.api_url}/_dashboard")
    browser.execute_script("sessionStorage.clear()")
    browser.refresh()
    assert browser.find_element(By.ID, "sign-in").is_displayed()
    assert not browser.find_element(By.ID, "panels").is_displayed()
    assert browser.find_element(By.ID, "business-numbers").text == ""  # no data was ever drawn
    browser.save_screenshot(str(artifacts / "sign-in.png"))
    assert requests.get(f"{cloud.api_url}/_dashboard/data").status_code == 401
    partner = stack.token(role="partner", partner_id=str(uuid.uuid4()))
    refused = requests.get(f"{cloud.api_url}/_dashboard/data", headers={"Authorization": f"Bearer {partner}"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert not _severe(browser)


def test_a_bad_token_is_turned_away_with_a_message(browser, cloud) -> None:  # noqa: ANN001
    browser.get(f"{cloud.api_url}/_dashboard")
    browser.execute_script("sessionStorage.clear()")
    browser.find_element(By.ID, "token").send_keys("not-a-token")
    browser.find_element(By.CSS_SELECTOR, "#sign-in-form button").click()
    WebDriverWait(browser, 10).until(lambda b: "Not signed in" in b.find_element(By.ID, "sign-in-error").text)
    assert not browser.find_element(By.ID, "panels").is_displayed()


def test_signed_in_by_the_fragment_every_panel_renders_without_console_errors(
    browser,
    cloud,
    admin_token: str,  # noqa: ANN001
    artifacts: Path,
) -> None:
    browser.get_log("browser")  # start from an empty console
    _open_signed_in(browser, cloud, admin_token)
    assert "token=" not in browser.current_url  # the fragment leaves the address bar at once
    WebDriverWait(browser, 15).until(lambda b: b.find_elements(By.CSS_SELECTOR, "#checks li .state"))
    checks = browser.find_element(By.ID, "checks").text
    assert "green: partner-management" in checks and "✓ UP" in checks
    assert _number(browser, "state") in (
        "no rollout yet",
        "PROGRESSING",
        "PAUSED",
        "ROLLED_BACK",
        "COMPLETED",
        "ABORTED",
        "INVESTIGATING",
    )
    assert browser.find_elements(By.CSS_SELECTOR, "#business-chart .uplot")  # the vendored chart library drew
    time.sleep(2.5)  # one more poll: redrawing must not break anything either
    for panel in PANELS:
        browser.find_element(By.ID, panel).screenshot(str(artifacts / f"{panel}.png"))
    browser.save_screenshot(str(artifacts / "page-1280x800.png"))
    assert not _severe(browser), _severe(browser)


def test_numbers_follow_the_api_live(browser, cloud, api, admin_token: str) -> None:  # noqa: ANN001
    _open_signed_in(browser, cloud, admin_token)
    before = int(_number(browser, "active partners"))
    browser.execute_script("window.__same_page = true")
    register_partner(api)
    WebDriverWait(browser, 5).until(lambda b: int(_number(b, "active partners")) >= before + 1)
    assert browser.execute_script("return window.__same_page === true")  # no reload


def test_a_rollout_state_change_appears_without_a_reload(
    browser,
    cloud,
    admin_token: str,  # noqa: ANN001
    artifacts: Path,
) -> None:
    store = RolloutStore(cloud.resources["TrafficStateTable"].ref)
    _open_signed_in(browser, cloud, admin_token)
    browser.execute_script("window.__same_page = true")
    current = store.load()
    state = {
        "id": f"dash{uuid.uuid4().hex[:8]}",
        "status": "PAUSED",
        "reason": "paused for the dashboard test",
        "plan": {
            "steps": [10, 50, 100],
            "holds": [1, 1, 0],
            "interval": 1,
            "shadow": 0,
            "thresholds": {
                "error_rate": 0.05,
                "error_window": 120,
                "p95_ms": 1000,
                "p95_window": 300,
                "lag": 30,
                "lag_window": 60,
                "max_mismatch": 0.01,
                "min_requests": 50,
            },
        },
        "step": 0,
        "percent": 10,
        "started_at": time.time(),
        "step_started_at": time.time(),
        "lag_breach_since": None,
        "outcome": None,
        "last": {
            "at": "2026-11-30T12:00:00.000Z",
            "decision": "hold",
            "reasons": [],
            "gates": {
                "MigrationErrorRate": {"value": 0.01, "threshold": 0.05, "window_s": 120, "state": "ok"},
                "CrossServiceLatency": {"value": 1200, "threshold": 1000, "window_s": 300, "state": "firing"},
            },
        },
        **({"_version": current["_version"]} if current else {}),
    }
    store.audit(
        state["id"],
        {
            "at": "2026-11-30T12:00:00.000Z",
            "status": "PAUSED",
            "step": 0,
            "percent": 10,
            "decision": "hold",
            "gates": state["last"]["gates"],
        },
    )
    store.save(state)
    WebDriverWait(browser, 6).until(lambda b: _number(b, "state") == "PAUSED")
    assert "paused for the dashboard test" in browser.find_element(By.ID, "timeline").text
    gates = browser.find_element(By.ID, "gates").text
    assert (
        "CrossServiceLatency" in gates and "✗ firing" in gates and "✓ ok" in gates
    )  # words, not only colour
    assert browser.execute_script("return window.__same_page === true")
    browser.find_element(By.ID, "rollout").screenshot(str(artifacts / "rollout-paused.png"))


def test_a_phone_width_does_not_overflow(browser, cloud, admin_token: str, artifacts: Path) -> None:  # noqa: ANN001
    browser.set_window_size(390, 844)
    try:
        _open_signed_in(browser, cloud, admin_token)
        time.sleep(2.5)  # charts sized to the narrow panels
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        browser.save_screenshot(str(artifacts / "page-390-phone.png"))
        assert overflow <= 0, f"{overflow}px wider than the phone"
    finally:
        browser.set_window_size(1280, 800)
