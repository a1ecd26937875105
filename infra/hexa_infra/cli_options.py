"""The options every ``hexa`` command that reaches a stack shares, and the console they print to."""

from __future__ import annotations

import typer
from rich.console import Console

from hexa_infra import search
from hexa_infra import traces as trace_view
from hexa_infra.stack import DEFAULT_ENDPOINT, DEFAULT_STACK

console = Console()

TemplateOpt = typer.Option(None, "--template", help="SAM template (default: ./template.yaml or the repo's)")
StackOpt = typer.Option(DEFAULT_STACK, "--stack", help="Stack name: prefixes every local resource")
EndpointOpt = typer.Option(
    None,
    "--endpoint-url",
    envvar="AWS_ENDPOINT_URL",
    help=f"AWS endpoint of the running stack (default {DEFAULT_ENDPOINT})",
)
SearchOpt = typer.Option(
    None,
    "--search-endpoint",
    envvar=search.ENV,
    help="sqlite:///path (embedded, default) or an OpenSearch URL",
)
ControlOpt = typer.Option(
    trace_view.daemon_address(),
    "--daemon-address",
    help="host:port of `hexa up`'s loopback control port (the X-Ray daemon's TCP side)",
)
