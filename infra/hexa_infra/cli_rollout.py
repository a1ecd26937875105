"""``hexa rollout start|status|pause|resume|abort|rollback``: the guide's phase 5 and its rollback plan.

``start`` runs the controller in the foreground (Ctrl-C stops the controller, not the rollout: start it
again with the same flags and it goes on from its step). The other commands work from any shell while
it runs; ``rollback`` and ``abort`` act themselves (an emergency never waits for a controller).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from hexa_infra.cli_traffic import traffic_state
from hexa_infra.stack import DEFAULT_STACK, Stack, find_template
from hexa_infra.traces import daemon_address

rollout_cli = typer.Typer(
    no_args_is_help=True,
    help="Shift traffic blue → green in steps, gated by the guide's "
    "alerts; roll back without losing a write.",
)
console = Console()
StackOpt = typer.Option(DEFAULT_STACK, "--stack")
TemplateOpt = typer.Option(None, "--template")
EndpointOpt = typer.Option(None, "--endpoint-url", envvar="AWS_ENDPOINT_URL")
ControlOpt = typer.Option(
    daemon_address(), "--daemon-address", help="host:port of `hexa up --legacy-dsn`'s loopback control port"
)


def _rollout(template: Optional[Path], stack: str, endpoint_url: Optional[str], address: str):  # noqa: ANN202
    from hexa_infra.rollout.control import Control
    from hexa_infra.rollout.controller import Rollout
    from hexa_infra.rollout.store import RolloutStore

    connected = Stack.connect(find_template(template), stack, endpoint_url)
    traffic = traffic_state(connected)  # also points this process's SDK at the stack's endpoint
    table = connected.resources["TrafficStateTable"].ref
    return Rollout(RolloutStore(table), traffic, Control(address), say=console.print), connected


@rollout_cli.command("start")
def rollout_start(
    steps: str = typer.Option("10,50,100", "--steps", help="Green percentages, increasing"),
    hold: str = typer.Option("1h,2h,0s", "--hold", help="How long each step holds healthy (s/m/h)"),
    interval: str = typer.Option("30s", "--interval", help="How often the gates are evaluated"),
    shadow: float = typer.Option(0.0, "--shadow", help="Percent of GETs also sent to the other side"),
    error_rate: float = typer.Option(0.05, "--error-rate"),
    error_window: str = typer.Option("2m", "--error-window"),
    p95_ms: float = typer.Option(1000.0, "--p95-ms"),
    p95_window: str = typer.Option("5m", "--p95-window"),
    lag: str = typer.Option("30s", "--lag"),
    lag_window: str = typer.Option("1m", "--lag-window"),
    max_mismatch: float = typer.Option(0.01, "--max-mismatch"),
    min_requests: int = typer.Option(50, "--min-requests"),
    drain_timeout: str = typer.Option("30s", "--drain-timeout", help="Bound on each drain"),
    template: Optional[Path] = TemplateOpt,
    stack: str = StackOpt,
    endpoint_url: Optional[str] = EndpointOpt,
    address: str = ControlOpt,
) -> None:
    """Start (or, with the same flags, continue) a rollout and drive it until it ends."""
    from hexa_infra.rollout.controller import COMPLETED
    from hexa_infra.rollout.plan import BadPlan, duration, parse_plan

    try:  # every flag is checked before anything changes
        plan = parse_plan(
            steps,
            hold,
            interval=interval,
            shadow=shadow,
            error_rate=error_rate,
            error_window=error_window,
            p95_ms=p95_ms,
            p95_window=p95_window,
            lag=lag,
            lag_window=lag_window,
            max_mismatch=max_mismatch,
            min_requests=min_requests,
        )
        bound = duration(drain_timeout, "--drain-timeout")
    except BadPlan as error:
        raise typer.BadParameter(str(error)) from None
    rollout, _ = _rollout(template, stack, endpoint_url, address)
    rollout.drain_timeout = bound
    try:
        state = rollout.begin(plan)
    except BadPlan as error:
        raise typer.BadParameter(str(error)) from None
    console.print(
        f"rollout {state['id']}: steps {', '.join(f'{s:g}%' for s in plan.steps)}, evaluated every "
        f"{plan.interval:g}s (Ctrl-C stops this controller; the rollout waits for it to start again)"
    )
    try:
        state = rollout.run(state)
    except KeyboardInterrupt:
        console.print("controller stopped; the rollout stays where it is (`hexa rollout status`)")
        raise typer.Exit(130) from None
    console.print(f"rollout {state['id']}: {state['status']} — {state['reason']}")
    raise typer.Exit(0 if state["status"] == COMPLETED else 3)


@rollout_cli.command("status")
def rollout_status(
    as_json: bool = typer.Option(False, "--json"),
    last: int = typer.Option(10, "--last"),
    template: Optional[Path] = TemplateOpt,
    stack: str = StackOpt,
    endpoint_url: Optional[str] = EndpointOpt,
    address: str = ControlOpt,
) -> None:
    """Where the rollout is, its last evaluation (gates, shadow mismatches per route) and its audit log."""
    rollout, _ = _rollout(template, stack, endpoint_url, address)
    state = rollout.store.load()
    if state is None:
        console.print("no rollout has run on this stack")
        raise typer.Exit(1)
    audit = rollout.store.audit_log(state["id"], last)
    if as_json:
        typer.echo(json.dumps({"state": state, "audit": audit}, default=str))
        return
    where = (
        f"step {state['step'] + 1}/{len(state['plan']['steps'])} at {state['percent']:g}%"
        if state["plan"]
        else ""
    )
    console.print(
        f"[bold]{state['status']}[/] {where}" + (f" — {state['reason']}" if state.get("reason") else "")
    )
    last_eval = state.get("last") or {}
    if last_eval.get("gates"):
        gates = Table(
            "gate", "value", "threshold", "window", "state", title=f"last evaluation {last_eval['at']}"
        )
        for name, gate in last_eval["gates"].items():
            gates.add_row(
                name, str(gate["value"]), str(gate["threshold"]), f"{gate['window_s']:g}s", gate["state"]
            )
        console.print(gates)
    routes = (last_eval.get("shadow") or {}).get("routes") or {}
    if routes:
        shadow = Table("route", "compared", "mismatches", "rate", "example", title="shadow comparison")
        for route, entry in routes.items():
            example = entry["examples"][0] if entry["examples"] else None
            shadow.add_row(
                route,
                str(entry["compared"]),
                str(entry["mismatches"]),
                f"{entry['mismatch_rate']:.1%}",
                f"{example['path']}: {', '.join(example['fields'])}" if example else "",
            )
        console.print(shadow)
    for entry in audit:
        console.print(f"{entry['at']}  {entry['percent']:g}%  {entry['decision']}")
    if state.get("outcome"):
        console.print_json(json.dumps(state["outcome"], default=str))


def _set_status(
    template: Optional[Path],
    stack: str,
    endpoint_url: Optional[str],
    address: str,
    allowed: set[str],
    to: str,
    why: str,
) -> None:
    from hexa_infra.rollout.store import StateChanged

    rollout, _ = _rollout(template, stack, endpoint_url, address)
    while True:
        state = rollout.store.load()
        if state is None or state["status"] not in allowed:
            console.print(f"nothing to do: the rollout is {state['status'] if state else 'not started'}")
            raise typer.Exit(1)
        state.update(status=to, reason=why)
        try:
            rollout.store.save(state)
            break
        except StateChanged:
            continue
    rollout._audit(state, to, {"reason": why})  # noqa: SLF001 - the same audit log the controller writes
    console.print(f"rollout {state['id']}: {to}")


@rollout_cli.command("pause")
def rollout_pause(
    template: Optional[Path] = TemplateOpt,
    stack: str = StackOpt,
    endpoint_url: Optional[str] = EndpointOpt,
    address: str = ControlOpt,
) -> None:
    """Hold at the current step: no promotion, no automatic action, until resume."""
    _set_status(template, stack, endpoint_url, address, {"PROGRESSING"}, "PAUSED", "paused by an operator")


@rollout_cli.command("resume")
def rollout_resume(
    template: Optional[Path] = TemplateOpt,
    stack: str = StackOpt,
    endpoint_url: Optional[str] = EndpointOpt,
    address: str = ControlOpt,
) -> None:
    """Go on after pause or INVESTIGATING (the controller must be running: `hexa rollout start`)."""
    _set_status(
        template,
        stack,
        endpoint_url,
        address,
        {"PAUSED", "INVESTIGATING"},
        "PROGRESSING",
        "resumed by an operator",
    )


@rollout_cli.command("abort")
def rollout_abort(
    template: Optional[Path] = TemplateOpt,
    stack: str = StackOpt,
    endpoint_url: Optional[str] = EndpointOpt,
    address: str = ControlOpt,
) -> None:
    """Stop the rollout and send every partner back to blue (drained first)."""
    from hexa_infra.rollout.controller import ABORTED

    rollout, _ = _rollout(template, stack, endpoint_url, address)
    state = rollout.roll_back(rollout.store.load(), "aborted by an operator", status=ABORTED)
    _report(state)


@rollout_cli.command("rollback")
def rollout_rollback(
    restore_db: Optional[Path] = typer.Option(
        None,
        "--restore-db",
        metavar="BACKUP_DIR",
        help="Also restore the monolith's database from this `hexa migrate backup`",
    ),
    legacy_dsn: Optional[str] = typer.Option(
        None,
        "--legacy-dsn",
        envvar="LEGACY_DATABASE_URL",
        help="With --restore-db (default: the stack's LegacyDatabaseSecret)",
    ),
    template: Optional[Path] = TemplateOpt,
    stack: str = StackOpt,
    endpoint_url: Optional[str] = EndpointOpt,
    address: str = ControlOpt,
) -> None:
    """Emergency rollback (the guide's emergency-rollback.sh): green to 0 %, green -> blue drained,
    blue health-checked; with --restore-db the monolith's database restored from a backup."""
    from hexa_infra.migration.backup import restore

    rollout, connected = _rollout(template, stack, endpoint_url, address)
    restoring = None
    if restore_db is not None:
        if not (restore_db / "manifest.json").is_file():
            raise typer.BadParameter(
                f"{restore_db} holds no backup (no manifest.json)", param_hint="--restore-db"
            )
        dsn = legacy_dsn or _secret_dsn(connected)
        restoring = lambda: restore(dsn, restore_db)  # noqa: E731
    state = rollout.roll_back(rollout.store.load(), "emergency rollback by an operator", restore=restoring)
    _report(state)


def _secret_dsn(connected: Stack) -> str:
    secret = connected.resources.get("LegacyDatabaseSecret")
    if secret is None:
        raise typer.BadParameter(
            "no --legacy-dsn and the stack has no LegacyDatabaseSecret", param_hint="--legacy-dsn"
        )
    value = connected.clients("secretsmanager").get_secret_value(SecretId=secret.ref)["SecretString"]
    return json.loads(value)["dsn"]


def _report(state: dict[str, Any]) -> None:
    outcome = state.get("outcome") or {}
    drain = outcome.get("drain") or {}
    console.print(
        f"rollout {state['id']}: {state['status']} — green {outcome.get('from_percent', 0):g}% → 0%; "
        f"green -> blue {'drained' if drain.get('drained') else 'NOT drained: ' + json.dumps(drain)}; "
        f"blue {'healthy' if (outcome.get('blue_health') or {}).get('ok') else 'NOT healthy'}"
    )
    if not drain.get("drained") or not (outcome.get("blue_health") or {}).get("ok"):
        raise typer.Exit(1)
