"""The migration guide's four alerts and its dashboard, as CloudWatch resources in template.yaml (under
the Coexisting condition), with the guide's thresholds and windows, each action documented, on the
metrics the code actually emits."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from sam_template import load_template

ROOT = Path(__file__).resolve().parents[2]


def _resources() -> dict:
    return load_template()["Resources"]


def test_the_four_alerts_have_the_guides_thresholds_and_windows_and_say_what_happens() -> None:
    r = _resources()
    error = r["MigrationErrorRateAlarm"]["Properties"]
    assert (error["Threshold"], error["EvaluationPeriods"], error["DatapointsToAlarm"]) == (5, 2, 2)
    assert {m["MetricStat"]["Period"] for m in error["Metrics"] if "MetricStat" in m} == {60}  # 2 x 1 min
    latency = r["CrossServiceLatencyAlarm"]["Properties"]
    assert (
        latency["ExtendedStatistic"],
        latency["Threshold"],
        latency["Period"] * latency["EvaluationPeriods"],
    ) == ("p95", 1000, 300)
    lag = r["EventProcessingLagAlarm"]["Properties"]
    assert (lag["Threshold"], lag["EvaluationPeriods"]) == (30000, 1)
    inconsistency = r["DataInconsistencyAlarm"]["Properties"]
    assert (inconsistency["MetricName"], inconsistency["Threshold"]) == ("EventFailures", 0)
    for name in (
        "MigrationErrorRateAlarm",
        "CrossServiceLatencyAlarm",
        "EventProcessingLagAlarm",
        "DataInconsistencyAlarm",
        "MigrationDashboard",
    ):
        assert r[name]["Condition"] == "Coexisting"
        if name != "MigrationDashboard":
            assert "Action:" in r[name]["Properties"]["AlarmDescription"]


def _calls(path: Path, name: str) -> list[ast.Call]:
    """Every call of ``<anything>.name(...)`` in the module at ``path``."""
    tree = ast.parse(path.read_text())
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name
    ]


def test_the_alarms_watch_services_the_code_emits() -> None:
    facade = _calls(ROOT / "functions" / "facade" / "app.py", "record_request")
    first_parts = [c.args[0].values[0] for c in facade if isinstance(c.args[0], ast.JoinedStr)]
    assert any(isinstance(part, ast.Constant) and part.value == "facade." for part in first_parts)
    capture = _calls(ROOT / "infra" / "hexa_infra" / "coexistence" / "blue_to_green.py", "record_event")
    cdc = [c for c in capture if isinstance(c.args[0], ast.Constant) and c.args[0].value == "cdc"]
    assert any(k.arg == "failed" and ast.unparse(k.value) == "True" for c in cdc for k in c.keywords)
    text = json.dumps(_resources())
    assert '"facade.green"' in text and '"Value": "cdc"' in text


def test_the_dashboard_has_the_guides_four_panels_and_is_valid_json() -> None:
    body = _resources()["MigrationDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"][0]
    widgets = json.loads(re.sub(r"\$\{[^}]+\}", "X", body))["widgets"]
    titles = " ".join(w["properties"].get("title", "") for w in widgets)
    for panel in ("Business", "Technical", "Infrastructure", "Integration"):
        assert panel in titles
    alarm_widget = next(w for w in widgets if w["type"] == "alarm")
    assert len(alarm_widget["properties"]["alarms"]) == 5
