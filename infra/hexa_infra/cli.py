"""``hexa``: the one CLI — run the local cloud, mint tokens, rebuild projections, redrive DLQs, traces."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from hexa_infra import metrics_view, search
from hexa_infra import traces as trace_view
from hexa_infra.cli_cdc import cdc_cli
from hexa_infra.cli_dashboard import dashboard as dashboard_command
from hexa_infra.cli_migration import register as register_migration
from hexa_infra.cli_ops import dlq_cli, fault_cli
from hexa_infra.cli_options import EndpointOpt, SearchOpt, StackOpt, TemplateOpt, console
from hexa_infra.cli_package import package_cli
from hexa_infra.cli_rollout import rollout_cli
from hexa_infra.cli_traffic import traffic_cli
from hexa_infra.cli_up import up
from hexa_infra.stack import Stack, find_template

cli = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
cli.command()(up)
cli.add_typer(dlq_cli, name="dlq")
cli.add_typer(fault_cli, name="fault")
search_cli = typer.Typer(no_args_is_help=True, help="Recruitment's search index.")
cli.add_typer(search_cli, name="search")
register_migration(cli)
cli.add_typer(traffic_cli, name="traffic")
cli.add_typer(rollout_cli, name="rollout")
cli.add_typer(cdc_cli, name="cdc")
cli.add_typer(package_cli, name="package")
cli.command("dashboard")(dashboard_command)


@cli.command()
def token(
    role: str = typer.Option(..., help="admin or partner"),
    partner_id: Optional[str] = typer.Option(None, "--partner-id"),
    ttl: int = typer.Option(12 * 3600, help="Lifetime in seconds"),
    template: Optional[Path] = TemplateOpt,
    stack: str = StackOpt,
    endpoint_url: Optional[str] = EndpointOpt,
) -> None:
    """Print a dev JWT for the running local stack (signed with its own key)."""
    if role not in ("admin", "partner") or (role == "partner") != bool(partner_id):
        raise typer.BadParameter("use --role admin, or --role partner --partner-id <id>")
    typer.echo(
        Stack.connect(find_template(template), stack, endpoint_url).token(
            role=role, partner_id=partner_id, ttl_seconds=ttl
        )
    )


@search_cli.command("reindex")
def search_reindex(
    template: Optional[Path] = TemplateOpt,
    stack: str = StackOpt,
    endpoint_url: Optional[str] = EndpointOpt,
    search_endpoint: Optional[str] = SearchOpt,
) -> None:
    """Rebuild the candidate and job indices from DynamoDB into new versions and swap the aliases."""
    connected = Stack.connect(
        find_template(template),
        stack,
        endpoint_url,
        {"SearchEndpoint": search_endpoint or search.default_endpoint(stack)},
    )
    result = connected.run_maintenance("recruitment", "rebuild_search_index")
    table = Table("index", "new version", "copied", "caught up", "removed", "seconds")
    for report in result["indices"]:
        table.add_row(
            report["kind"],
            report["generation"],
            str(report["copied"]),
            str(report["caught_up"]),
            str(report["removed"]),
            f"{report['seconds']:.2f}",
        )
    console.print(table)


@cli.command("rebuild-projections")
def rebuild_projections(
    context: str = typer.Argument(..., help="e.g. onboarding"),
    template: Optional[Path] = TemplateOpt,
    stack: str = StackOpt,
    endpoint_url: Optional[str] = EndpointOpt,
) -> None:
    """Rebuild a context's read models from its event store."""
    result = Stack.connect(find_template(template), stack, endpoint_url).run_maintenance(
        context, "rebuild_projections"
    )
    console.print(f"{context}: rebuilt {result}")


@cli.command()
def traces(
    correlation_id: Optional[str] = typer.Option(
        None, "--correlation-id", help="The trace(s) of one request"
    ),
    trace_id: Optional[str] = typer.Option(None, "--trace-id", help="One trace, e.g. from X-Amzn-Trace-Id"),
    last: int = typer.Option(5, "--last", help="Without an id: the N traces that started last"),
    stack: str = StackOpt,
    daemon_address: str = typer.Option(
        trace_view.daemon_address(),
        "--daemon-address",
        help="host:port of `hexa up`'s X-Ray daemon (its TCP side)",
    ),
) -> None:
    """Print traces of the running local cloud as trees: segments, subsegments, start offsets, durations."""
    by_id = correlation_id is not None or trace_id is not None
    found = trace_view.fetch(
        daemon_address, stack, correlation_id=correlation_id, trace_id=trace_id, last=None if by_id else last
    )
    if not found:
        console.print("no matching trace (yet): segments arrive when their invocation ends")
        raise typer.Exit(1)
    for trace in found:
        console.print(trace_view.tree(trace))


@cli.command()
def metrics(
    stack: str = StackOpt,
    daemon_address: str = typer.Option(
        trace_view.daemon_address(),
        "--daemon-address",
        help="host:port of `hexa up`'s telemetry port (the X-Ray daemon's TCP side)",
    ),
    as_json: bool = typer.Option(False, "--json", help="The raw per-series summary instead of tables"),
) -> None:
    """Per-route requests, errors and latency percentiles, and per-consumer event age (running cloud)."""
    summary = metrics_view.fetch(daemon_address, stack)
    if as_json:
        console.print_json(json.dumps(summary))
        return
    for table in metrics_view.tables(summary):
        console.print(table)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
