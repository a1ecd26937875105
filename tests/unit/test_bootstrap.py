"""Each context's composition root (``<context>/bootstrap.py``): the one place that reads the environment.

Handlers ask it for adapters; it builds each on first use from the environment it was given, unless the
caller gave its own (a fake in a test, the migration's writer).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from campaign_management.bootstrap import bootstrap as campaign_bootstrap
from onboarding.bootstrap import bootstrap as onboarding_bootstrap
from partner_management.bootstrap import bootstrap as partner_bootstrap
from recruitment.bootstrap import bootstrap as recruitment_bootstrap

ROOT = Path(__file__).resolve().parents[2]
CONTEXTS = ("partner_management", "onboarding", "campaign_management", "recruitment")
BOOTSTRAPS = {
    "partner_management": partner_bootstrap,
    "onboarding": onboarding_bootstrap,
    "campaign_management": campaign_bootstrap,
    "recruitment": recruitment_bootstrap,
}


def _reads_environment(tree: ast.AST) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in ("environ", "getenv")
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    ]


@pytest.mark.parametrize("context", CONTEXTS)
def test_no_handler_module_reads_the_environment_or_builds_an_adapter(context: str) -> None:
    source = (ROOT / "functions" / context / "app.py").read_text()
    tree = ast.parse(source)
    assert _reads_environment(tree) == []
    adapters = [
        n.module
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom) and n.module and ".adapters." in n.module
    ]
    allowed = {
        "partner_management.adapters.owner_apis",  # built per request: its base URL is the request's
        "onboarding.adapters.event_store",  # decodes a stream image, builds nothing
        "recruitment.adapters.profile_store",
    }  # decodes a stream image, builds nothing
    assert set(adapters) <= allowed


@pytest.mark.parametrize("context", CONTEXTS)
def test_an_adapter_is_built_only_when_asked_for_and_from_the_given_environment(context: str) -> None:
    wiring = BOOTSTRAPS[context]({})
    name = sorted(wiring.adapters())[0]
    with pytest.raises(KeyError):  # the empty environment names no table: building it is what fails
        getattr(wiring, name)


@pytest.mark.parametrize("context", CONTEXTS)
def test_a_given_adapter_is_used_as_is_and_nothing_is_built_for_it(context: str) -> None:
    given = object()
    name = sorted(BOOTSTRAPS[context]().adapters())[0]
    wiring = BOOTSTRAPS[context]({}, **{name: given})
    assert getattr(wiring, name) is given


def test_an_adapter_a_context_does_not_have_is_refused() -> None:
    with pytest.raises(TypeError, match="no adapter search_index"):
        partner_bootstrap({}, search_index=object())


def test_settings_come_from_the_environment_the_root_was_given() -> None:
    wiring = partner_bootstrap({"PROFILE_360_TIMEOUT_MS": "250", "SERVICE_BASE_URL": "http://owners"})
    assert (wiring.owner_timeout_s, wiring.service_base_url) == (0.25, "http://owners")
    assert partner_bootstrap({}).owner_timeout_s == 0.3
