"""``hexa migrate …`` and ``hexa legacy seed``: moving the monolith's PostgreSQL data into the platform.

Every command takes ``--legacy-dsn`` (default ``$LEGACY_DATABASE_URL``); those that touch the platform
take ``--stack``/``--endpoint-url``/``--template`` like the rest of the CLI. A problem a person must fix
(a bad DSN, an empty or foreign database, a dump that does not match its manifest) is one line on
stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import functools
import json
import time
from pathlib import Path
from typing import Any, Callable, Optional

import typer
from rich.console import Console
from rich.table import Table

from hexa_infra.stack import DEFAULT_STACK, Stack, find_template

migrate_cli = typer.Typer(
    no_args_is_help=True, help="Move the monolith's data: analyze, backup, load, verify, restore."
)
legacy_cli = typer.Typer(
    no_args_is_help=True, help="The monolith's PostgreSQL database (for tests and demos)."
)
console = Console()

DsnOpt = typer.Option(
    None,
    "--legacy-dsn",
    envvar="LEGACY_DATABASE_URL",
    help="The monolith's PostgreSQL (default $LEGACY_DATABASE_URL)",
)
TemplateOpt = typer.Option(None, "--template", help="SAM template (default: ./template.yaml or the repo's)")
StackOpt = typer.Option(DEFAULT_STACK, "--stack", help="Stack name of the platform")
EndpointOpt = typer.Option(
    None, "--endpoint-url", envvar="AWS_ENDPOINT_URL", help="AWS endpoint of the platform"
)


def one_line_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """A :class:`LegacyError` (or a platform that cannot be reached) is one line on stderr, exit 2."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        from hexa_infra.migration.legacy_db import LegacyError

        try:
            return command(*args, **kwargs)
        except LegacyError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(2) from None

    return run


def _stack(template: Optional[Path], stack: str, endpoint_url: Optional[str]) -> Stack:
    return Stack.connect(find_template(template), stack, endpoint_url)


@legacy_cli.command("seed")
@one_line_errors
def legacy_seed(
    legacy_dsn: Optional[str] = DsnOpt,
    partners: int = typer.Option(100, "--partners", min=1, help="How many partners (and their data)"),
    dirty: bool = typer.Option(False, "--dirty", help="Add every data-quality problem of production"),
    reset: bool = typer.Option(False, "--reset", help="Empty the legacy tables first"),
    seed_value: int = typer.Option(42, "--seed", help="Random seed (same seed, same data)"),
) -> None:
    """Fill a legacy database with realistic data (creating the monolith's schema when absent)."""
    from hexa_infra.migration.seed import seed

    if dirty and partners < 20:
        raise typer.BadParameter("--dirty needs at least 20 partners", param_hint="--partners")
    written = seed(legacy_dsn or "", partners, dirty=dirty, reset=reset, seed_value=seed_value)
    console.print("seeded: " + ", ".join(f"{table} {rows}" for table, rows in written.items()))


@migrate_cli.command("analyze")
@one_line_errors
def migrate_analyze(
    legacy_dsn: Optional[str] = DsnOpt,
    as_json: bool = typer.Option(False, "--json", help="The report as JSON instead of tables"),
) -> None:
    """Phase 1.1 of the guide: tables, counts, keys, owners, a data-quality profile and the plan — nothing
    moves."""
    from hexa_infra.migration.analyze import OWNERS, analyze
    from hexa_infra.migration.legacy_db import session

    with session(legacy_dsn):
        pass
    result = analyze(legacy_dsn or "")
    if as_json:
        console.print_json(json.dumps(result.as_json()))
        return
    tables = Table("legacy table", "rows", "owned by", title="Legacy tables")
    for table, rows in result.tables.items():
        tables.add_row(table, str(rows), OWNERS[table])
    console.print(tables)
    console.print("foreign keys:\n  " + "\n  ".join(result.foreign_keys or ["(none)"]))
    console.print("implied references:\n  " + "\n  ".join(result.implied))
    quality = Table("problem", "what", "rows", title="Data quality (../shared/legacy/README.md)")
    for problem, what, rows in result.profile:
        quality.add_row(f"#{problem}", what, f"[yellow]{rows}[/]" if rows else "0")
    console.print(quality)
    planned = Table(
        "legacy table", "migrated", "normalised", "merged", "rejected", title="What a load would do"
    )
    for table, outcomes in result.plan.items():
        planned.add_row(
            table, *(str(outcomes.get(k, 0)) for k in ("migrated", "normalised", "merged", "rejected"))
        )
    console.print(planned)


@migrate_cli.command("backup")
@one_line_errors
def migrate_backup(
    out: Path = typer.Option(..., "--out", help="Directory for legacy.dump and manifest.json"),
    legacy_dsn: Optional[str] = DsnOpt,
) -> None:
    """pg_dump (custom format) of the legacy tables + a manifest of counts, checksums and the dump's
    sha256."""
    from hexa_infra.migration.backup import backup
    from hexa_infra.migration.legacy_db import session

    with session(legacy_dsn):
        pass
    manifest = backup(legacy_dsn or "", out)
    console.print(
        f"backed up to {out} in {manifest['seconds']} s (PostgreSQL {manifest['server_version']}, "
        f"sha256 {manifest['sha256'][:16]}…): "
        + ", ".join(f"{t} {s['rows']}" for t, s in manifest["tables"].items())
    )


@migrate_cli.command("restore")
@one_line_errors
def migrate_restore(
    source: Path = typer.Option(..., "--from", help="A directory `hexa migrate backup` wrote"),
    yes: bool = typer.Option(False, "--yes", help="Really replace the legacy tables"),
    legacy_dsn: Optional[str] = DsnOpt,
) -> None:
    """Replace the legacy tables with a backup's, then check every count and checksum against its manifest."""
    from hexa_infra.migration.backup import restore

    if not yes:
        typer.echo(
            "error: restore replaces the legacy tables with the backup's; add --yes to do it", err=True
        )
        raise typer.Exit(2)
    result = restore(legacy_dsn or "", source)
    console.print(
        f"restored from {source} in {result['seconds']} s; every table matches its manifest: "
        + ", ".join(f"{t} {s['rows']} rows ({s['checksum']})" for t, s in result["tables"].items())
    )


@migrate_cli.command("load")
@one_line_errors
def migrate_load(
    legacy_dsn: Optional[str] = DsnOpt,
    template: Optional[Path] = TemplateOpt,
    stack: str = StackOpt,
    endpoint_url: Optional[str] = EndpointOpt,
    workers: int = typer.Option(4, "--workers", min=1, max=32, help="Parallel writers"),
    page: int = typer.Option(250, "--page", min=1, max=5000, help="Rows per page (and per checkpoint)"),
    restart: bool = typer.Option(False, "--restart", help="Forget the checkpoints: write everything again"),
) -> None:
    """Load every legacy table into the platform; resumable: run it again after any interruption."""
    from hexa_infra.migration.legacy_db import session
    from hexa_infra.migration.load import load

    with session(legacy_dsn):  # a clear error for a bad DSN or a database that is not the monolith's
        pass
    report = load(
        legacy_dsn or "", _stack(template, stack, endpoint_url), workers=workers, page=page, restart=restart
    )
    if report.already_done:
        console.print("nothing to do: this stack's load is complete (--restart writes everything again)")
    table = Table(
        "legacy table", "rows", "migrated", "normalised", "merged", "rejected", "written now", "items"
    )
    for legacy, outcomes in report.plan.items():
        table.add_row(
            legacy,
            str(sum(outcomes.values())),
            *(str(outcomes.get(k, 0)) for k in ("migrated", "normalised", "merged", "rejected")),
            str(report.rows.get(legacy, 0)),
            str(report.items.get(legacy, 0)),
        )
    console.print(table)
    for warning in report.warnings[:10]:
        console.print(f"[yellow]warning:[/] {warning}")
    if len(report.warnings) > 10:
        console.print(f"[yellow]… and {len(report.warnings) - 10} more warnings like these[/]")
    if report.unprojected:
        console.print(
            f"[yellow]{report.unprojected} migrated contracts are not served by the read model yet "
            "(its stream is behind): `hexa migrate verify` will name them until it catches up[/]"
        )
    written = sum(report.rows.values())
    console.print(
        f"{'resumed and ' if report.resumed else ''}loaded {written} rows "
        f"({sum(report.items.values())} items) in {report.seconds:.1f} s"
        + (f", {written / report.seconds:,.0f} rows/s" if report.seconds and written else "")
        + f" (written in {report.write_seconds:.1f} s, then {report.seconds - report.write_seconds:.1f} s "
        "until the contracts' read model served them all)" + "; `hexa migrate verify` compares every row"
    )


def _record_verify(connected: Stack, result: Any) -> None:
    """The last verify's summary, next to the rollout's state, for the dashboard's rollout panel."""
    from hexa_infra.rollout.store import RolloutStore

    table = connected.resources.get("TrafficStateTable")
    if table is None:
        return
    summary = result.as_json()
    RolloutStore(table.ref).save_record(
        "last-verify",
        {
            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "ok": summary["ok"],
            "seconds": round(result.seconds, 1),
            "tables": summary["tables"],
            "mismatches": len(summary["mismatches"]),
        },
    )


@migrate_cli.command("verify")
@one_line_errors
def migrate_verify(
    legacy_dsn: Optional[str] = DsnOpt,
    template: Optional[Path] = TemplateOpt,
    stack: str = StackOpt,
    endpoint_url: Optional[str] = EndpointOpt,
    report: Optional[Path] = typer.Option(None, "--report", help="Write the full JSON report here"),
    workers: int = typer.Option(4, "--workers", min=1, max=16),
) -> None:
    """Compare every legacy row, through the mapping, with what the platform serves; exit 0 iff all is
    accounted for and equal."""
    from hexa_infra.migration.legacy_db import session
    from hexa_infra.migration.verify import verify

    with session(legacy_dsn):
        pass
    connected = _stack(template, stack, endpoint_url)
    result = verify(legacy_dsn or "", connected, workers=workers)
    _record_verify(connected, result)
    table = Table("legacy table", "legacy", "migrated", "merged", "rejected", "missing", "mismatched")
    for name, counts in result.as_json()["tables"].items():
        bad = counts["missing"] or counts["mismatched"]
        table.add_row(
            name,
            *(str(counts[k]) for k in ("legacy", "migrated", "merged", "rejected")),
            *(f"[red]{counts[k]}[/]" if bad else str(counts[k]) for k in ("missing", "mismatched")),
        )
    console.print(table)
    mismatches = result.as_json()["mismatches"]
    for mismatch in mismatches[:10]:
        console.print(
            f"[red]{mismatch['table']} {mismatch['id']} {mismatch['field']}[/]: legacy "
            f"{_short(mismatch['legacy'])} ≠ platform {_short(mismatch['platform'])}"
        )
    if len(mismatches) > 10:
        console.print(f"[red]… and {len(mismatches) - 10} more[/] (--report FILE has them all)")
    if report:
        result.write(str(report))
    rows = sum(t.legacy for t in result.tables.values())
    console.print(
        f"{'OK' if result.ok else 'NOT OK'}: {rows} legacy rows checked in {result.seconds:.1f} s "
        f"({rows / max(result.seconds, 1e-6):,.0f} rows/s)" + (f"; report: {report}" if report else "")
    )
    if not result.ok:
        raise typer.Exit(1)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "…"


def register(cli: typer.Typer) -> None:
    from hexa_infra.cli_dashboard import migrate_status

    migrate_cli.command("status")(migrate_status)
    cli.add_typer(migrate_cli, name="migrate")
    cli.add_typer(legacy_cli, name="legacy")
