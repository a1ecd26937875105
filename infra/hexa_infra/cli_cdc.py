"""``hexa cdc install|status|retry|uninstall``: the monolith's change capture (blue -> green).

``hexa up --legacy-dsn`` installs it and runs the applier; these commands are for looking at it and
fixing what it refused. Every command takes ``--legacy-dsn`` (default ``$LEGACY_DATABASE_URL``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from hexa_infra.cli_migration import DsnOpt, one_line_errors
from hexa_infra.stack import DEFAULT_STACK, Stack, find_template

cdc_cli = typer.Typer(no_args_is_help=True, help="Change capture on the monolith's tables (blue -> green).")
console = Console()


def _conn(dsn: Optional[str]):  # noqa: ANN202
    from hexa_infra.migration.legacy_db import connect

    return connect(dsn)


@cdc_cli.command("install")
@one_line_errors
def cdc_install(legacy_dsn: Optional[str] = DsnOpt) -> None:
    """Add the capture triggers and the hexa_cdc schema (idempotent; the legacy data is not touched)."""
    from hexa_infra.coexistence import capture

    with _conn(legacy_dsn) as conn:
        capture.install(conn)
    console.print(
        "change capture installed: every write to the legacy tables is recorded in hexa_cdc.changes"
    )


@cdc_cli.command("status")
@one_line_errors
def cdc_status(legacy_dsn: Optional[str] = DsnOpt, last: int = typer.Option(10, "--last")) -> None:
    """Pending changes, the lag (age of the oldest unapplied change) and the latest refused ones."""
    from hexa_infra.coexistence import capture

    with _conn(legacy_dsn) as conn:
        if not capture.installed(conn):
            console.print("change capture is not installed (hexa cdc install)")
            raise typer.Exit(1)
        backlog = capture.backlog(conn)
        refused = capture.rejected(conn, limit=last)
    console.print(
        f"blue -> green: {backlog.pending} pending, lag {backlog.lag_seconds:.1f}s, "
        f"{backlog.rejected} rejected, {backlog.newest_seq} captured in all"
    )
    if refused:
        table = Table(
            "seq", "table", "op", "row", "reason", title="rejected (fix the row or the code, then retry)"
        )
        for row in refused:
            table.add_row(str(row["seq"]), row["table_name"], row["op"], row["row_id"], row["reason"] or "")
        console.print(table)


@cdc_cli.command("retry")
@one_line_errors
def cdc_retry(legacy_dsn: Optional[str] = DsnOpt) -> None:
    """Make every rejected change pending again (a change older than one applied since is then skipped)."""
    from hexa_infra.coexistence import capture

    with _conn(legacy_dsn) as conn:
        count = capture.retry_rejected(conn)
    console.print(f"{count} rejected change(s) pending again")


@cdc_cli.command("uninstall")
@one_line_errors
def cdc_uninstall(
    legacy_dsn: Optional[str] = DsnOpt,
    yes: bool = typer.Option(False, "--yes", help="Also drop every recorded change"),
) -> None:
    """Remove the triggers and the hexa_cdc schema (after the migration; the legacy data stays)."""
    from hexa_infra.coexistence import capture

    if not yes:
        raise typer.BadParameter(
            "this drops hexa_cdc with every recorded change; confirm with --yes", param_hint="--yes"
        )
    with _conn(legacy_dsn) as conn:
        capture.uninstall(conn)
    console.print("change capture removed")


@cdc_cli.command("run")
@one_line_errors
def cdc_run(
    legacy_dsn: Optional[str] = DsnOpt,
    template: Optional[Path] = typer.Option(None, "--template"),
    stack: str = typer.Option(DEFAULT_STACK, "--stack"),
    endpoint_url: Optional[str] = typer.Option(None, "--endpoint-url", envvar="AWS_ENDPOINT_URL"),
    workers: int = typer.Option(4, "--workers", min=1, max=32),
) -> None:
    """Apply the monolith's changes to the platform until Ctrl-C: what `hexa up --legacy-dsn` runs next
    to blue. Against AWS, run it on a host that reaches both the database and the stack."""
    import time

    from hexa_infra.coexistence import capture
    from hexa_infra.coexistence.blue_to_green import BlueToGreen
    from hexa_infra.migration.platform import Platform

    with _conn(legacy_dsn) as conn:
        if not capture.installed(conn):
            raise typer.BadParameter(
                "change capture is not installed: hexa cdc install", param_hint="--legacy-dsn"
            )
    platform = Platform.of(Stack.connect(find_template(template), stack, endpoint_url))
    applier = BlueToGreen(legacy_dsn or "", platform, workers=workers).start()
    console.print(f"applying blue -> green with {workers} workers (Ctrl-C stops)")
    try:
        while True:
            time.sleep(10)
            with _conn(legacy_dsn) as conn:
                backlog = capture.backlog(conn)
            console.print(
                f"{backlog.pending} pending, lag {backlog.lag_seconds:.1f}s, {backlog.rejected} rejected"
            )
    except KeyboardInterrupt:
        console.print("stopping")
    finally:
        applier.stop()
