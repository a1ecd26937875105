"""Function loading: environment merging, module isolation, process state restored on stop."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hexa_infra.local.cloud import LocalCloud
from hexa_infra.local.functions import merge_environments
from hexa_infra.local.template import TemplateError


@pytest.fixture(scope="module")
def cloud(fixture_template: Path) -> Iterator[LocalCloud]:
    with LocalCloud(
        fixture_template, stack_name="rt-fn", emulator_port=0, gateway_port=0, start_pollers=False
    ) as running:
        yield running


def test_merge_environments_rejects_conflicts() -> None:
    assert merge_environments({"A": {"X": "1", "Y": "2"}, "B": {"X": "1", "Z": "3"}}) == {
        "X": "1",
        "Y": "2",
        "Z": "3",
    }
    with pytest.raises(TemplateError, match=r"X differs between functions A \('1'\) and B \('2'\)"):
        merge_environments({"A": {"X": "1"}, "B": {"X": "2"}})


def test_conflicting_env_in_template_fails_start_and_restores_process(fixture_copy: Path) -> None:
    text = fixture_copy.read_text()
    text = text.replace(
        "      Handler: app.handle_strict\n",
        "      Handler: app.handle_strict\n      Environment: {Variables: {GREETING: bonjour}}\n",
    )
    fixture_copy.write_text(text)
    env_before, path_before = dict(os.environ), list(sys.path)
    with pytest.raises(TemplateError, match=r"GREETING differs between functions .*StrictWorkerFunction"):
        LocalCloud(fixture_copy, stack_name="rt-fn-conflict", emulator_port=0, gateway_port=0).start()
    assert dict(os.environ) == env_before
    assert sys.path == path_before


def test_each_function_gets_its_own_module(cloud: LocalCloud) -> None:
    fns = cloud.functions
    modules = {lid: fn.module for lid, fn in fns.items()}
    assert all(m is not None for m in modules.values())
    assert len({id(m) for m in modules.values()}) == len(modules)  # one instance per function
    assert {lid: m.__name__ for lid, m in modules.items()} == {lid: f"hexa_local_fn_{lid}" for lid in fns}
    # Four CodeUris with an app.py each, none imported as plain "app".
    assert {m.MARKER for m in modules.values()} == {"api", "chalice", "worker", "streams"}
    assert modules["ApiFunction"].__file__ != modules["ChaliceFunction"].__file__
    assert all(sys.modules.get("app") is not m for m in modules.values())
    # Same file, two functions: separate state, as in two Lambda containers.
    assert modules["WorkerFunction"].__file__ == modules["StrictWorkerFunction"].__file__
    assert modules["WorkerFunction"].RECEIVED is not modules["StrictWorkerFunction"].RECEIVED


def test_function_metadata_and_environment(cloud: LocalCloud) -> None:
    fn = cloud.functions["ApiFunction"]
    assert fn.name == "rt-fn-ApiFunction"
    assert fn.arn == "arn:aws:lambda:us-east-1:123456789012:function:rt-fn-ApiFunction"
    assert fn.timeout == 10 and fn.memory_mb == 256
    assert (
        fn.environment["API_MODE"] == "echo"
        and "API_MODE" not in cloud.functions["WorkerFunction"].environment
    )
    assert os.environ["ITEMS_TABLE"] == "rt-fn-ItemsTable"
    assert os.environ["EVENT_BUS_NAME"] == "rt-fn-bus"
    assert os.environ["SECRET_ARN"] == cloud.resources["Secret"].ref
    assert os.environ["AWS_ENDPOINT_URL"] == cloud.endpoint_url
    context = fn.new_context()
    assert context.function_version == "$LATEST" and context.memory_limit_in_mb == 256
    assert context.log_group_name == "/aws/lambda/rt-fn-ApiFunction"
