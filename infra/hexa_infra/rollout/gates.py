"""One evaluation of green's traffic against the guide's alerts: observations in, a decision out (pure).

| alert               | fires when                                  | action                               |
|---------------------|---------------------------------------------|--------------------------------------|
| MigrationErrorRate  | green 5xx share > error_rate over its window | roll back                            |
| DataInconsistency   | shadow mismatches > max_mismatch, or a blue  | halt: INVESTIGATING                  |
|                     | change the platform refused                 |                                      |
| CrossServiceLatency | green p95 > p95_ms over its window          | no promotion while firing            |
| EventProcessingLag  | either direction > lag for lag_window        | scale consumers, no promotion        |

A window with fewer than ``min_requests`` green answers is *inconclusive*: it can neither roll back
nor promote. Promotion needs the step's hold to be over, every gate conclusive and none firing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .plan import Thresholds

ROLLBACK, INVESTIGATE, PROMOTE, COMPLETE, HOLD = "rollback", "investigate", "promote", "complete", "hold"


@dataclass
class Evaluation:
    decision: str
    reasons: list[str] = field(default_factory=list)
    gates: dict[str, dict[str, Any]] = field(default_factory=dict)
    scale: bool = False  # EventProcessingLag fired: add consumers

    @property
    def conclusive(self) -> bool:
        return all(g["state"] != "inconclusive" for g in self.gates.values())


def evaluate(
    observed: dict[str, Any], th: Thresholds, *, lag_breached_for: float, hold_over: bool, last_step: bool
) -> Evaluation:
    errors = observed["green"]["errors_window"]
    latency = observed["green"]["latency_window"]
    shadow = observed["shadow"]
    lag = max(observed["lag"]["blue_to_green"], observed["lag"]["green_to_blue"])
    gates: dict[str, dict[str, Any]] = {}

    def gate(
        name: str,
        value: Any,
        threshold: Any,
        window: float,
        firing: bool,
        conclusive: bool = True,
        **more: Any,
    ) -> None:
        gates[name] = {
            "value": value,
            "threshold": threshold,
            "window_s": window,
            "state": "inconclusive" if not conclusive else ("firing" if firing else "ok"),
            **more,
        }

    gate(
        "MigrationErrorRate",
        errors["error_rate"],
        th.error_rate,
        th.error_window,
        errors["error_rate"] > th.error_rate,
        errors["requests"] >= th.min_requests,
        requests=errors["requests"],
    )
    gate(
        "CrossServiceLatency",
        latency["p95_ms"],
        th.p95_ms,
        th.p95_window,
        (latency["p95_ms"] or 0) > th.p95_ms,
        latency["requests"] >= th.min_requests,
        requests=latency["requests"],
    )
    gate("EventProcessingLag", round(lag, 3), th.lag, th.lag_window, lag_breached_for >= th.lag_window)
    refused = observed.get("rejected_changes") or []
    gate(
        "DataInconsistency",
        shadow["mismatch_rate"],
        th.max_mismatch,
        0,
        shadow["mismatch_rate"] > th.max_mismatch or bool(refused),
        compared=shadow["compared"],
        refused_changes=len(refused),
    )

    reasons: list[str] = []
    if gates["MigrationErrorRate"]["state"] == "firing":
        reasons.append(
            f"MigrationErrorRate: green 5xx {errors['error_rate']:.1%} > {th.error_rate:.1%} over "
            f"{th.error_window:g}s ({errors['errors']} of {errors['requests']})"
        )
        return Evaluation(ROLLBACK, reasons, gates)
    if gates["DataInconsistency"]["state"] == "firing":
        if shadow["mismatch_rate"] > th.max_mismatch:
            worst = (
                max(shadow["routes"].items(), key=lambda r: r[1]["mismatch_rate"])[0]
                if shadow["routes"]
                else "?"
            )
            reasons.append(
                f"DataInconsistency: shadow mismatch {shadow['mismatch_rate']:.1%} > {th.max_mismatch:.1%} "
                f"({shadow['mismatches']} of {shadow['compared']}; worst {worst})"
            )
        if refused:
            reasons.append(
                f"DataInconsistency: {len(refused)} monolith change(s) the platform refused, e.g. "
                f"{refused[0]['table_name']} {refused[0]['row_id']}: {refused[0]['reason']}"
            )
        return Evaluation(INVESTIGATE, reasons, gates)
    scale = gates["EventProcessingLag"]["state"] == "firing"
    for name, gate_state in gates.items():
        if gate_state["state"] == "firing":
            reasons.append(f"{name} firing ({gate_state['value']} > {gate_state['threshold']}): no promotion")
        elif gate_state["state"] == "inconclusive":
            reasons.append(
                f"{name} inconclusive: {gate_state['requests']} green request(s) in "
                f"{gate_state['window_s']:g}s"
                f" < {th.min_requests}: no promotion"
            )
    evaluation = Evaluation(HOLD, reasons, gates, scale=scale)
    if not reasons and hold_over:
        evaluation.decision = COMPLETE if last_step else PROMOTE
    return evaluation
