"""A real browser (Debian's chromium, driven through chromedriver by Selenium) on the local gateway's
dashboard. `make test` / .ci/run install it (infra/browser/ensure.sh); a missing browser fails."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("HEXA_TEST_ARTIFACTS", ROOT / ".hexa" / "test-artifacts"))


def _binaries() -> tuple[str, str]:
    chromium, driver = os.environ.get("CHROMIUM"), os.environ.get("CHROMEDRIVER")
    if not (chromium and driver):
        done = subprocess.run(
            ["bash", str(ROOT / "infra" / "browser" / "ensure.sh")],
            capture_output=True,
            text=True,
            timeout=900,
        )
        found = dict(
            part.split("=", 1)
            for part in (done.stdout.strip().splitlines() or [""])[-1].split()
            if "=" in part
        )
        chromium, driver = found.get("CHROMIUM"), found.get("CHROMEDRIVER")
    if not (chromium and driver):
        raise RuntimeError(
            "no chromium/chromedriver: infra/browser/ensure.sh (as root) installs Debian's packages"
        )
    return chromium, driver


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = _binaries()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,800",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    session = webdriver.Chrome(options=options, service=Service(driver))
    try:
        yield session
    finally:
        session.quit()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    folder = ARTIFACTS / "dashboard"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
