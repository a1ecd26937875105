"""The rollout's plan and gates, pure: flags checked before anything changes; each of the guide's
alerts decides what it must, and a window with too few requests decides nothing."""

from __future__ import annotations

from typing import Any

import pytest

from hexa_infra.coexistence.shadow import differences, normalised, route_of
from hexa_infra.rollout.gates import COMPLETE, HOLD, INVESTIGATE, PROMOTE, ROLLBACK, evaluate
from hexa_infra.rollout.plan import BadPlan, Thresholds, duration, parse_plan

TH = Thresholds(min_requests=50)


def observed(
    requests: int = 200,
    errors: int = 0,
    p95: float = 120.0,
    lag: float = 0.0,
    compared: int = 0,
    mismatches: int = 0,
    refused: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    window = {
        "requests": requests,
        "errors": errors,
        "error_rate": errors / requests if requests else 0.0,
        "p95_ms": p95 if requests else None,
    }
    return {
        "green": {"errors_window": window, "latency_window": window},
        "lag": {"blue_to_green": lag, "green_to_blue": 0.0},
        "shadow": {
            "compared": compared,
            "mismatches": mismatches,
            "mismatch_rate": mismatches / compared if compared else 0.0,
            "routes": {"GET /partners/{}": {"mismatch_rate": 1.0}} if mismatches else {},
        },
        "rejected_changes": refused or [],
    }


def decide(obs: dict[str, Any], *, lag_for: float = 0.0, hold_over: bool = True, last: bool = False) -> Any:
    return evaluate(obs, TH, lag_breached_for=lag_for, hold_over=hold_over, last_step=last)


def test_healthy_and_held_promotes_and_the_last_step_completes() -> None:
    assert decide(observed()).decision == PROMOTE
    assert decide(observed(), last=True).decision == COMPLETE
    assert decide(observed(), hold_over=False).decision == HOLD


def test_error_rate_over_the_threshold_rolls_back_naming_the_numbers() -> None:
    evaluation = decide(observed(requests=100, errors=6))
    assert evaluation.decision == ROLLBACK and "6 of 100" in evaluation.reasons[0]
    assert decide(observed(requests=100, errors=5)).decision == PROMOTE  # 5 % is not over 5 %


def test_a_quiet_canary_is_inconclusive_never_healthy_nor_failing() -> None:
    quiet = decide(observed(requests=49, errors=49))
    assert quiet.decision == HOLD and not quiet.conclusive
    assert quiet.gates["MigrationErrorRate"]["state"] == "inconclusive"
    assert any("inconclusive" in reason for reason in quiet.reasons)


def test_slow_green_and_lag_hold_promotion_and_lag_asks_for_more_consumers() -> None:
    slow = decide(observed(p95=1500))
    assert slow.decision == HOLD and slow.gates["CrossServiceLatency"]["state"] == "firing"
    assert decide(observed(lag=45), lag_for=30).decision == PROMOTE  # not yet for its whole window
    behind = decide(observed(lag=45), lag_for=60)
    assert behind.decision == HOLD and behind.scale


def test_a_shadow_mismatch_or_a_refused_change_halts_for_investigation() -> None:
    assert decide(observed(compared=100, mismatches=2)).decision == INVESTIGATE
    assert decide(observed(compared=100, mismatches=1)).decision == PROMOTE  # 1 % is the threshold
    refused = decide(observed(refused=[{"table_name": "partners", "row_id": "x", "reason": "email"}]))
    assert refused.decision == INVESTIGATE and "refused" in refused.reasons[0]


@pytest.mark.parametrize(
    ("steps", "holds", "message"),
    [
        ("50,10", "1h,1h", "50 then 10"),
        ("10,10", "1s,1s", "10 then 10"),
        ("0,50", "1s,1s", "0 is not a percentage"),
        ("10,150", "1s,1s", "150 is not"),
        ("ten", "1s", "not a list"),
        ("10,50,100", "1h,2h", "3 step(s)"),
        ("10", "an hour", "not a duration"),
    ],
)
def test_a_bad_plan_is_refused_with_the_flag_named(steps: str, holds: str, message: str) -> None:
    with pytest.raises(BadPlan, match="^--") as refused:
        parse_plan(steps, holds)
    assert message in str(refused.value)


def test_durations_and_the_guides_defaults() -> None:
    assert [duration(t, "--x") for t in ("500ms", "30s", "2m", "1h")] == [0.5, 30, 120, 3600]
    plan = parse_plan("10,50,100", "1h,2h,0s")
    assert (plan.holds, plan.thresholds) == ((3600, 7200, 0), Thresholds())
    assert Thresholds() == Thresholds(0.05, 120, 1000, 300, 30, 60, 0.01, 50)


def test_shadow_compares_what_both_sides_return_without_the_volatile_fields() -> None:
    served = normalised(b'{"name": "A", "request_id": "1", "items": [{"x": 1}], "only_green": true}')
    other = normalised(b'{"name": "B", "request_id": "2", "items": [{"x": 2}]}')
    assert differences(served, other) == ["items[0].x", "name"]
    assert differences(normalised(b'{"a": [1, 2]}'), normalised(b'{"a": [1]}')) == ["a (length 2 vs 1)"]
    assert (
        route_of("GET", "/partners/8c1d6b0e-2f4a-4c3b-9d5e-6f7a8b9c0d1e/commissions?from=x")
        == "GET /partners/{}/commissions"
    )
