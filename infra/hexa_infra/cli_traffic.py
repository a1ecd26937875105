"""``hexa traffic set|status``: which share of partners the facade sends to green (the platform).

The state lives in the stack's ``TrafficStateTable`` (template.yaml), which the local facade and the
AWS facade read alike; a change reaches every facade within its one-second cache.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console

from hexa_infra.stack import DEFAULT_STACK, Stack, find_template
from hexa_infra.traces import daemon_address

traffic_cli = typer.Typer(
    no_args_is_help=True, help="The facade's traffic split between blue (monolith) and green."
)
console = Console()


def traffic_state(stack: Stack) -> Any:
    """The facade's own state adapter, bound to this stack's table (and its endpoint)."""
    if stack.endpoint_url:
        os.environ["AWS_ENDPOINT_URL"] = stack.endpoint_url
    return traffic_state_for_table(stack.resources["TrafficStateTable"].ref)


def traffic_state_for_table(table: str) -> Any:
    from hexa_infra.function_code import use_function_packages

    use_function_packages()
    from facade.state import TrafficState

    return TrafficState(table, cache_seconds=0)


def _percent(value: Optional[float], name: str) -> Optional[float]:
    if value is not None and not 0 <= value <= 100:
        raise typer.BadParameter(f"must be between 0 and 100, not {value:g}", param_hint=name)
    return value


@traffic_cli.command("set")
def traffic_set(
    green: Optional[float] = typer.Option(None, "--green", help="Percent of partners served by green"),
    shadow: Optional[float] = typer.Option(
        None, "--shadow", help="Percent of GETs also sent to the other side and compared"
    ),
    template: Optional[Path] = typer.Option(None, "--template"),
    stack: str = typer.Option(DEFAULT_STACK, "--stack"),
    endpoint_url: Optional[str] = typer.Option(None, "--endpoint-url", envvar="AWS_ENDPOINT_URL"),
    daemon_address: str = typer.Option(
        daemon_address(), "--daemon-address", help="`hexa up --legacy-dsn`'s control port, to drain first"
    ),
    drain_timeout: float = typer.Option(30.0, "--drain-timeout", help="Seconds to wait for the drain"),
) -> None:
    """Set the green percentage (and/or the shadow rate). Raising it only moves partners blue → green.

    Before the split moves, the moving partners' pending changes are applied on the side they move to
    (raising: blue -> green for their cohort; lowering: green -> blue), at most --drain-timeout; what
    could not be drained is reported and the move goes ahead (the operator asked for it)."""
    _percent(green, "--green"), _percent(shadow, "--shadow")
    if green is None and shadow is None:
        raise typer.BadParameter("give --green and/or --shadow", param_hint="--green")
    state = traffic_state(Stack.connect(find_template(template), stack, endpoint_url))
    before = state.read()
    if green is not None and green != before.green_percent:
        _drain(daemon_address, before.green_percent, green, drain_timeout)
    after = state.write(
        before, green_percent=green, shadow_percent=shadow, by=f"hexa traffic set ({getpass.getuser()})"
    )
    console.print(
        f"green {before.green_percent:g}% → {after.green_percent:g}%, shadow {after.shadow_percent:g}%"
    )


def _drain(address: str, before: float, after: float, timeout: float) -> None:
    from hexa_infra.rollout.control import Control, ControlUnavailable

    direction = "blue_to_green" if after > before else "green_to_blue"
    try:
        done = Control(address).drain(direction, min(before, after), max(before, after), timeout)
    except ControlUnavailable as error:
        console.print(f"[yellow]not drained ({error}); moving anyway[/]")
        return
    if done["drained"]:
        console.print(f"{direction.replace('_', ' ')}: drained in {done['seconds']}s")
    else:
        console.print(
            f"[yellow]{direction.replace('_', ' ')}: NOT drained after {timeout:g}s ({done}); moving "
            "anyway[/]"
        )


@traffic_cli.command("status")
def traffic_status(
    template: Optional[Path] = typer.Option(None, "--template"),
    stack: str = typer.Option(DEFAULT_STACK, "--stack"),
    endpoint_url: Optional[str] = typer.Option(None, "--endpoint-url", envvar="AWS_ENDPOINT_URL"),
) -> None:
    """The current split."""
    now = traffic_state(Stack.connect(find_template(template), stack, endpoint_url)).read()
    console.print(
        f"green {now.green_percent:g}% of partners, shadow {now.shadow_percent:g}% of GETs"
        + (f" (set {now.updated_at} by {now.updated_by})" if now.updated_at else " (never set: all blue)")
    )
