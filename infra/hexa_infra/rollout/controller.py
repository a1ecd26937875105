"""The rollout loop and its actions.

Every ``interval`` the controller observes green through the facade (:mod:`.control`), evaluates the
gates (:mod:`.gates`), writes the decision to the audit log and acts:

- **promote**: the partners about to move have their pending blue -> green changes applied first
  (bounded; if that is not done in time the move waits for the next interval, reported), then the
  facade's percentage is raised in one conditional write;
- **rollback** (automatic on MigrationErrorRate, or ``hexa rollout rollback|abort``): the facade to 0 %
  first (one write: no partner is half-switched), then green -> blue drained (reported: what could not be
  drained is named), blue health-checked, and with ``--restore-db`` the monolith's database restored;
- **investigate** (DataInconsistency): halt, traffic untouched, until ``resume`` or ``rollback``.

State lives in the stack (:mod:`.store`): a controller killed at any point and started again finds
the step it was on; a traffic change it made but did not record is recognised and adopted.
"""

from __future__ import annotations

import getpass
import time
import uuid
from typing import Any, Callable

import requests

from .control import Control, ControlUnavailable
from .gates import COMPLETE, INVESTIGATE, PROMOTE, ROLLBACK, evaluate
from .plan import BadPlan, Plan
from .store import RolloutStore, StateChanged

PROGRESSING, PAUSED, INVESTIGATING = "PROGRESSING", "PAUSED", "INVESTIGATING"
ROLLED_BACK, ABORTED, COMPLETED = "ROLLED_BACK", "ABORTED", "COMPLETED"
TERMINAL = {ROLLED_BACK, ABORTED, COMPLETED}


def _iso(at: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(at)) + f".{int(at * 1000) % 1000:03d}Z"


class Rollout:
    def __init__(
        self,
        store: RolloutStore,
        traffic: Any,
        control: Control,
        *,
        say: Callable[[str], None] = print,
        drain_timeout: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store, self.traffic, self.control = store, traffic, control
        self.say, self.drain_timeout, self.clock = say, drain_timeout, clock
        self.by = f"hexa rollout ({getpass.getuser()})"

    # ---------------------------------------------------------------- starting / restarting
    def begin(self, plan: Plan) -> dict[str, Any]:
        """A new rollout, or the unfinished one with the same plan (a restarted controller)."""
        state = self.store.load()
        if state is not None and state["status"] not in TERMINAL:
            if state["plan"] != plan.as_dict():
                raise BadPlan(
                    f"rollout {state['id']} is {state['status']} at {state['percent']:g}% with another plan "
                    "(steps/holds/thresholds); run it with the same flags to continue it, or "
                    "`hexa rollout abort` it first"
                )
            self._audit(state, "controller started again: continuing", {})
            return self._reconcile(state)
        now = self.clock()
        state = {
            "id": uuid.uuid4().hex[:12],
            "status": PROGRESSING,
            "plan": plan.as_dict(),
            "step": -1,
            "percent": self.traffic.read().green_percent,
            "started_at": now,
            "step_started_at": None,
            "reason": None,
            "lag_breach_since": None,
            "last": None,
            "outcome": None,
            **({"_version": state["_version"]} if state else {}),
        }
        state = self.store.save(state)
        self._audit(state, "rollout started", {"plan": plan.as_dict()})
        return state

    def _reconcile(self, state: dict[str, Any]) -> dict[str, Any]:
        """The facade's percentage is the truth: a move written just before a crash is adopted."""
        steps = state["plan"]["steps"]
        live = self.traffic.read()
        if live.green_percent == state["percent"]:
            return state
        nxt = state["step"] + 1
        if nxt < len(steps) and live.green_percent == steps[nxt]:
            state.update(step=nxt, percent=live.green_percent, step_started_at=self.clock())
            self._audit(state, f"adopted the move to {live.green_percent:g}% made before the restart", {})
        else:
            state.update(
                status=PAUSED,
                reason=f"the facade is at {live.green_percent:g}%, not the rollout's "
                f"{state['percent']:g}% (changed by {live.updated_by}); resume to go on",
            )
            self._audit(state, "paused: traffic changed outside the rollout", {})
        return self.store.save(state)

    # ---------------------------------------------------------------- the loop
    def run(self, state: dict[str, Any], *, tick: float = 0.25) -> dict[str, Any]:
        next_evaluation = 0.0
        while True:
            state = self.store.load() or state
            if state["status"] in TERMINAL:
                return state
            if state["status"] == PROGRESSING:
                try:
                    if state["step"] < 0:
                        state = self._move(state, 0)
                        next_evaluation = self.clock() + state["plan"]["interval"]
                    elif self.clock() >= next_evaluation:
                        state = self._evaluate(state)
                        next_evaluation = self.clock() + state["plan"]["interval"]
                except StateChanged:
                    continue  # an operator wrote meanwhile: read again, decide again
                except ControlUnavailable as error:
                    self.say(f"[yellow]cannot observe: {error}; retrying[/]")
                    next_evaluation = self.clock() + state["plan"]["interval"]
            time.sleep(tick)

    def _evaluate(self, state: dict[str, Any]) -> dict[str, Any]:
        plan = Plan.from_dict(state["plan"])
        th, now = plan.thresholds, self.clock()
        observed = self.control.observe(th.error_window, th.p95_window, since=state["started_at"])
        lag = max(observed["lag"]["blue_to_green"], observed["lag"]["green_to_blue"])
        state["lag_breach_since"] = (state["lag_breach_since"] or now) if lag > th.lag else None
        step = state["step"]
        evaluation = evaluate(
            observed,
            th,
            lag_breached_for=now - state["lag_breach_since"] if state["lag_breach_since"] else 0.0,
            hold_over=now - state["step_started_at"] >= plan.holds[step],
            last_step=step == len(plan.steps) - 1,
        )
        state["last"] = {
            "at": _iso(now),
            "decision": evaluation.decision,
            "reasons": evaluation.reasons,
            "gates": evaluation.gates,
            "shadow": observed["shadow"],
            "lag": observed["lag"],
        }
        self._audit(
            state,
            evaluation.decision,
            {
                "gates": evaluation.gates,
                "reasons": evaluation.reasons,
                "lag": observed["lag"],
                "thresholds": state["plan"]["thresholds"],
            },
        )
        if evaluation.scale:
            workers = observed["workers"]["blue_to_green"] * 2
            self.control.scale(workers)
            self._audit(state, f"EventProcessingLag: blue -> green workers → {workers}", {})
        if evaluation.decision == ROLLBACK:
            return self.roll_back(
                state, evaluation.reasons[0], first_failing_at=now, blue_url=observed.get("blue_url")
            )
        if evaluation.decision == INVESTIGATE:
            state.update(status=INVESTIGATING, reason="; ".join(evaluation.reasons))
            self.say(f"[red]INVESTIGATING[/]: {state['reason']}")
        elif evaluation.decision == COMPLETE:
            self.traffic.write(self.traffic.read(), shadow_percent=0, by=self.by)
            state.update(
                status=COMPLETED, reason="every step held healthy", outcome={"completed_at": _iso(now)}
            )
            self.say(f"[green]COMPLETED[/]: green serves {state['percent']:g}% of partners")
        elif evaluation.decision == PROMOTE:
            return self._move(state, step + 1)
        else:
            self.say(
                f"{state['percent']:g}% · hold · " + ("; ".join(evaluation.reasons) or "healthy, holding")
            )
        return self.store.save(state)

    def _move(self, state: dict[str, Any], index: int) -> dict[str, Any]:
        plan = Plan.from_dict(state["plan"])
        target, before = plan.steps[index], self.traffic.read()
        drained = self.control.drain("blue_to_green", before.green_percent, target, self.drain_timeout)
        self._audit(state, f"drain before {before.green_percent:g}% → {target:g}%", {"drain": drained})
        if not drained["drained"]:
            state["last"] = {
                "at": _iso(self.clock()),
                "decision": "hold",
                "reasons": [
                    f"{drained['left']} change(s) of the moving partners not on green after "
                    f"{self.drain_timeout:g}s: not moving yet"
                ],
            }
            self.say(f"[yellow]{state['last']['reasons'][0]}[/]")
            return self.store.save(state)
        self.traffic.write(before, green_percent=target, shadow_percent=plan.shadow, by=self.by)
        state.update(step=index, percent=target, step_started_at=self.clock())
        self._audit(state, f"moved to {target:g}%", {"drain": drained})
        self.say(
            f"[cyan]step {index + 1}/{len(plan.steps)}[/]: green {before.green_percent:g}% → {target:g}% "
            f"(drained in {drained['seconds']}s), holding {plan.holds[index]:g}s"
        )
        return self.store.save(state)

    # ---------------------------------------------------------------- rolling back
    def roll_back(
        self,
        state: dict[str, Any] | None,
        reason: str,
        *,
        status: str = ROLLED_BACK,
        first_failing_at: float | None = None,
        blue_url: str | None = None,
        restore: Callable[[], dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Facade to 0 % (first, in one write), drain green -> blue, health-check blue, optionally restore."""
        while True:
            try:
                live = self.traffic.read()
                self.traffic.write(live, green_percent=0, shadow_percent=0, by=f"{self.by}: rollback")
                break
            except Exception as error:  # noqa: BLE001 - StateConflict: re-read and write 0 again
                if type(error).__name__ != "StateConflict":
                    raise
        zero_at = self.clock()
        self.say(f"[red]rolled back[/]: green {live.green_percent:g}% → 0% ({reason})")
        outcome: dict[str, Any] = {"from_percent": live.green_percent, "zero_at": _iso(zero_at)}
        if first_failing_at is not None:
            outcome["seconds_to_zero"] = round(zero_at - first_failing_at, 3)
        try:
            outcome["drain"] = self.control.drain("green_to_blue", 0, 100, self.drain_timeout)
            blue_url = blue_url or self.control.observe(1, 1, self.clock()).get("blue_url")
        except ControlUnavailable as error:
            outcome["drain"] = {"drained": False, "error": str(error)}
        if not outcome["drain"].get("drained"):
            self.say(f"[red]green -> blue not drained[/]: {outcome['drain']}")
        outcome["blue_health"] = _health(blue_url)
        if restore is not None:
            outcome["restored"] = restore()
        state = self._terminal(state, status, reason, outcome)
        return state

    def _terminal(
        self, state: dict[str, Any] | None, status: str, reason: str, outcome: dict[str, Any]
    ) -> dict[str, Any]:
        while True:
            current = self.store.load()
            if current is None:
                current = {
                    "id": uuid.uuid4().hex[:12],
                    "plan": None,
                    "step": -1,
                    "started_at": self.clock(),
                    "step_started_at": None,
                    "lag_breach_since": None,
                    "last": None,
                }
            current.update(status=status, reason=reason, percent=0, outcome=outcome)
            try:
                saved = self.store.save(current)
                self._audit(saved, status, {"reason": reason, "outcome": outcome})
                return saved
            except StateChanged:
                continue

    def _audit(self, state: dict[str, Any], decision: str, details: dict[str, Any]) -> None:
        self.store.audit(
            state["id"],
            {
                "at": _iso(self.clock()),
                "status": state["status"],
                "step": state["step"],
                "percent": state["percent"],
                "decision": decision,
                **details,
            },
        )


def _health(url: str | None) -> dict[str, Any]:
    if not url:
        return {"ok": False, "error": "blue's URL is unknown"}
    try:
        answer = requests.get(f"{url}/health", timeout=5)
        return {"ok": answer.status_code == 200, "status": answer.status_code}
    except requests.RequestException as error:
        return {"ok": False, "error": str(error)}
