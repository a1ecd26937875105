"""``hexa dashboard`` (the page's sign-in link) and ``hexa migrate status [--watch]`` (the same numbers
as rich tables, for SSH-only users). Both read the running local cloud's ``/_dashboard/data``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Optional

import requests
import typer
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table

from hexa_infra.stack import DEFAULT_STACK, Stack, find_template

console = Console()
ApiOpt = typer.Option("http://127.0.0.1:3000", "--api-url", help="The local gateway `hexa up` printed")


def _token(template: Optional[Path], stack: str, endpoint_url: Optional[str]) -> str:
    return Stack.connect(find_template(template), stack, endpoint_url).token(role="admin")


def dashboard(
    api_url: str = ApiOpt,
    template: Optional[Path] = typer.Option(None, "--template"),
    stack: str = typer.Option(DEFAULT_STACK, "--stack"),
    endpoint_url: Optional[str] = typer.Option(None, "--endpoint-url", envvar="AWS_ENDPOINT_URL"),
) -> None:
    """Print the dashboard's link, signed in (the token rides in the #fragment, which no server logs)."""
    typer.echo(f"{api_url.rstrip('/')}/_dashboard#token={_token(template, stack, endpoint_url)}")


def migrate_status(
    api_url: str = ApiOpt,
    watch: bool = typer.Option(False, "--watch", help="Refresh every 2 s"),
    template: Optional[Path] = typer.Option(None, "--template"),
    stack: str = typer.Option(DEFAULT_STACK, "--stack"),
    endpoint_url: Optional[str] = typer.Option(None, "--endpoint-url", envvar="AWS_ENDPOINT_URL"),
) -> None:
    """The dashboard's numbers in the terminal: rollout, business, technical, infrastructure, integration."""
    token = _token(template, stack, endpoint_url)
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"

    def fetch() -> dict[str, Any]:
        try:
            answer = http.get(f"{api_url.rstrip('/')}/_dashboard/data", timeout=10)
        except requests.RequestException as error:
            raise typer.BadParameter(
                f"no local cloud answers at {api_url} ({error})", param_hint="--api-url"
            ) from None
        if answer.status_code != 200:
            raise typer.BadParameter(
                f"{api_url}/_dashboard/data answered {answer.status_code}", param_hint="--api-url"
            )
        return answer.json()

    if not watch:
        console.print(render(fetch()))
        return
    with Live(render(fetch()), console=console, refresh_per_second=1) as live:
        try:
            while True:
                time.sleep(2)
                live.update(render(fetch()))
        except KeyboardInterrupt:
            pass


def _pct(value: Any) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def _num(value: Any, digits: int = 0) -> str:
    return (
        "–" if value is None else (f"{value:.{digits}f}" if isinstance(value, (int, float)) else str(value))
    )


def render(data: dict[str, Any]) -> Group:
    parts: list[Any] = [
        f"[bold]stack {data['stack']}[/] · {'blue/green' if data['blue_green'] else 'green only'} · "
        f"{data['at']}"
    ]
    rollout = data.get("rollout") or {}
    state, traffic = rollout.get("state"), rollout.get("traffic") or {}
    head = Table("rollout", "value", title="Rollout")
    head.add_row("state", state["status"] if state else "no rollout yet")
    head.add_row(
        "green / shadow", f"{_num(traffic.get('green_percent'))} % / {_num(traffic.get('shadow_percent'))} %"
    )
    if state and state.get("reason"):
        head.add_row("reason", state["reason"])
    verify = rollout.get("last_verify")
    head.add_row("last verify", f"{'OK' if verify['ok'] else 'NOT OK'} {verify['at']}" if verify else "never")
    parts.append(head)
    gates = (state or {}).get("last", {}) or {}
    if gates.get("gates"):
        table = Table("alert", "value", "threshold", "window", "state", title="Alerts")
        for name, gate in gates["gates"].items():
            table.add_row(
                name,
                _num(gate["value"], 3),
                _num(gate["threshold"], 3),
                f"{gate['window_s']:g} s",
                gate["state"],
            )
        parts.append(table)
    business = data.get("business") or {}
    table = Table("business", "now", title="Business")
    for key in (
        "active_partners",
        "campaigns",
        "campaigns_last_hour",
        "contracts_signed",
        "contracts_signed_last_hour",
    ):
        table.add_row(key.replace("_", " "), _num(business.get(key)))
    parts.append(table)
    technical = data.get("technical") or {}
    table = Table("side / context", "requests", "p50 ms", "p95 ms", "5xx", title="Technical")
    for group in ("sides", "contexts"):
        for name, v in sorted((technical.get(group) or {}).items()):
            table.add_row(
                name,
                _num(v.get("requests")),
                _num(v.get("p50_ms"), 1),
                _num(v.get("p95_ms"), 1),
                _pct(v.get("error_rate")),
            )
    parts.append(table)
    cdc = technical.get("cdc")
    if cdc:
        parts.append(
            f"change capture: blue → green lag {cdc['blue_to_green']:.2f} s ({cdc['blue_to_green_pending']} "
            f"pending), green → blue lag {cdc['green_to_blue']:.2f} s"
        )
    infra = data.get("infrastructure") or {}
    table = Table("process", "CPU %", "MB", title="Infrastructure")
    for process in infra.get("processes") or []:
        table.add_row(process["name"], _num(process.get("cpu_percent"), 1), _num(process.get("rss_mb"), 1))
    parts.append(table)
    checks = (data.get("integration") or {}).get("checks") or []
    table = Table("check", "state", "ms", "detail", title="Integration")
    for check in checks:
        table.add_row(
            check["name"], "UP" if check["ok"] else "[red]DOWN[/]", _num(check["ms"], 1), str(check["detail"])
        )
    parts.append(table)
    return Group(*parts)
