"""DESIGN.md §4's service levels are alarms on the metrics the code really emits, under the names it uses."""

from __future__ import annotations

import re
from pathlib import Path

from hexa_infra.local.cfn_yaml import load_yaml

ROOT = Path(__file__).resolve().parents[2]
NAMESPACE = {"Fn::Sub": "HexaBuilders/${Stage}"}


def _resources() -> dict:
    return load_yaml(ROOT / "template.yaml")["Resources"]


def _code_names(pattern: str) -> set[str]:
    """Names the handlers or their composition roots (bootstrap.py) declare."""
    sources = [*(ROOT / "functions").glob("*/app.py"), *(ROOT / "functions").glob("*/*/bootstrap.py")]
    return {name for source in sources for name in re.findall(pattern, source.read_text())}


def _alarms() -> list[dict]:
    return [r["Properties"] for r in _resources().values() if r["Type"] == "AWS::CloudWatch::Alarm"]


def _watched(metric: str, dimension: str) -> dict[str, dict]:
    """dimension value → alarm properties, for alarms whose (only or math) metric is ``metric``."""
    found = {}
    for alarm in _alarms():
        stats = [m["MetricStat"]["Metric"] for m in alarm.get("Metrics", []) if "MetricStat" in m]
        for source in stats or [alarm]:
            if source.get("MetricName") == metric and source.get("Namespace") == NAMESPACE:
                found.update({d["Value"]: alarm for d in source["Dimensions"] if d["Name"] == dimension})
    return found


def test_every_api_has_a_5xx_rate_and_a_p95_latency_alarm() -> None:
    services = _code_names(r'HttpApi\(app, service="([\w-]+)"\)')
    assert len(services) == 4
    errors, requests, latency = (_watched(m, "service") for m in ("Errors", "Requests", "Latency"))
    # + green as the migration facade sees it (MigrationErrorRate, CrossServiceLatency: Coexisting only)
    assert set(errors) == set(requests) == set(latency) == services | {"facade.green"}
    for service in services:
        rate = errors[service]
        assert rate == requests[service] and rate["Threshold"] == 5  # percent: one alarm divides the two
        assert "100 * errors / requests" in next(
            m["Expression"] for m in rate["Metrics"] if "Expression" in m
        )
        assert (latency[service]["ExtendedStatistic"], latency[service]["Threshold"]) == ("p95", 1000)


def test_every_consumer_has_an_event_age_alarm() -> None:
    consumers = _code_names(r'_CONSUMER = "([\w.-]+)"')
    assert len(consumers) == 3
    ages = _watched("EventAge", "consumer")
    assert set(ages) == consumers
    assert all((a["ExtendedStatistic"], a["Threshold"]) == ("p95", 30000) for a in ages.values())


def test_functions_emit_into_the_namespace_the_alarms_watch() -> None:
    template = load_yaml(ROOT / "template.yaml")
    assert (
        template["Globals"]["Function"]["Environment"]["Variables"]["POWERTOOLS_METRICS_NAMESPACE"]
        == NAMESPACE
    )
