"""``hexa rollout start``'s plan and thresholds, checked before anything changes."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


class BadPlan(ValueError):
    """A flag that cannot be right; the message names it."""


def duration(text: str, flag: str) -> float:
    """``30s``, ``2m``, ``1h``, ``500ms`` → seconds."""
    match = _DURATION.match(str(text))
    if not match:
        raise BadPlan(f"{flag}: {text!r} is not a duration (a number and s, m or h: 30s, 2m, 1h)")
    return float(match.group(1)) * _UNITS[match.group(2)]


@dataclass(frozen=True)
class Thresholds:
    """The guide's migration-alerts.yml, its values as defaults."""

    error_rate: float = 0.05  # MigrationErrorRate: green 5xx share, automatic rollback
    error_window: float = 120.0
    p95_ms: float = 1000.0  # CrossServiceLatency: no promotion while firing
    p95_window: float = 300.0
    lag: float = 30.0  # EventProcessingLag: scale consumers, no promotion while firing
    lag_window: float = 60.0
    max_mismatch: float = 0.01  # DataInconsistency: halt at once, INVESTIGATING
    min_requests: int = 50  # fewer in a window: inconclusive, never healthy


@dataclass(frozen=True)
class Plan:
    steps: tuple[float, ...]
    holds: tuple[float, ...]  # seconds at each step before the next one
    interval: float
    shadow: float
    thresholds: Thresholds

    def as_dict(self) -> dict[str, Any]:
        return {
            "steps": list(self.steps),
            "holds": list(self.holds),
            "interval": self.interval,
            "shadow": self.shadow,
            "thresholds": asdict(self.thresholds),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Plan":
        return cls(
            tuple(data["steps"]),
            tuple(data["holds"]),
            data["interval"],
            data["shadow"],
            Thresholds(**data["thresholds"]),
        )


def parse_plan(
    steps: str,
    holds: str,
    *,
    interval: str = "30s",
    shadow: float = 0.0,
    error_rate: float = 0.05,
    error_window: str = "2m",
    p95_ms: float = 1000.0,
    p95_window: str = "5m",
    lag: str = "30s",
    lag_window: str = "1m",
    max_mismatch: float = 0.01,
    min_requests: int = 50,
) -> Plan:
    try:
        percents = tuple(float(part) for part in steps.split(","))
    except ValueError:
        raise BadPlan(f"--steps: {steps!r} is not a list of percentages like 10,50,100") from None
    for percent in percents:
        if not 0 < percent <= 100:
            raise BadPlan(f"--steps: {percent:g} is not a percentage of partners in (0, 100]")
    for before, after in zip(percents, percents[1:]):
        if after <= before:
            raise BadPlan(
                f"--steps: each step must send more traffic to green than the one before ({before:g} "
                f"then {after:g}); a rollout only moves partners blue → green"
            )
    hold_list = tuple(duration(part, "--hold") for part in holds.split(","))
    if len(hold_list) != len(percents):
        raise BadPlan(
            f"--hold: {len(hold_list)} hold(s) for {len(percents)} step(s); give one per step, e.g. 1h,2h,0s"
        )
    every = duration(interval, "--interval")
    if every <= 0:
        raise BadPlan("--interval must be longer than 0s")
    if not 0 <= shadow <= 100:
        raise BadPlan(f"--shadow: {shadow:g} is not a percentage of GETs in [0, 100]")
    if not 0 < error_rate < 1:
        raise BadPlan(f"--error-rate: {error_rate:g} is a share of requests in (0, 1), e.g. 0.05")
    if not 0 <= max_mismatch < 1:
        raise BadPlan(f"--max-mismatch: {max_mismatch:g} is a share of comparisons in [0, 1), e.g. 0.01")
    if p95_ms <= 0:
        raise BadPlan("--p95-ms must be positive")
    if min_requests < 1:
        raise BadPlan("--min-requests must be at least 1")
    thresholds = Thresholds(
        error_rate,
        duration(error_window, "--error-window"),
        p95_ms,
        duration(p95_window, "--p95-window"),
        duration(lag, "--lag"),
        duration(lag_window, "--lag-window"),
        max_mismatch,
        min_requests,
    )
    for name in ("error_window", "p95_window", "lag_window"):
        if getattr(thresholds, name) <= 0:
            raise BadPlan(f"--{name.replace('_', '-')} must be longer than 0s")
    return Plan(percents, hold_list, every, float(shadow), thresholds)
