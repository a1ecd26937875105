"""``hexa package verify``: the built Lambda package checked as Lambda will load it (`make package` runs it).

1. The SAM build (.aws-sam/build): handlers present, nothing the runtime already has, arm64 binaries for the
   target CPython, precompiled modules, under the size limit.
2. The same Makefile and locks built for this machine, then every handler imported in a clean process per
   Python version (the deployed one, 3.13, and the oldest supported, 3.11) with only the runtime's boto3.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from hexa_infra.lambda_package.artifact import inspect
from hexa_infra.lambda_package.clean_import import CleanRuntime, ImportResult
from hexa_infra.lambda_package.host_build import build_for_host
from hexa_infra.lambda_package.interpreters import find_python
from hexa_infra.lambda_package.sources import functions_of, layers_of
from hexa_infra.stack import find_template

package_cli = typer.Typer(no_args_is_help=True, help="The Lambda package: `sam build`'s output, verified.")
console = Console()
TARGET_PYTHON = "3.13"  # template.yaml Globals.Function.Runtime
OLDEST_PYTHON = "3.11"  # pyproject's requires-python: what local machines (Debian 12) run


@package_cli.command("verify")
def verify(
    build_dir: Path = typer.Option(Path(".aws-sam/build"), help="`sam build`'s output"),
    template: Optional[Path] = typer.Option(None, help="SAM template (default: the repo's)"),
    python: list[str] = typer.Option([TARGET_PYTHON, OLDEST_PYTHON], help="Python versions to import on"),
    work_dir: Optional[Path] = typer.Option(None, help="Where the host builds go (default: a temp dir)"),
) -> None:
    problems = _check_artifact(build_dir)
    source = find_template(template)
    results: dict[str, dict[str, ImportResult]] = {}
    with tempfile.TemporaryDirectory(prefix="hexa-import-check-") as scratch:
        root = work_dir or Path(scratch)
        for version in python:
            interpreter = find_python(version)
            if interpreter is None:
                message = f"no Python {version} on this machine (PATH or pyenv): its import check did not run"
                if os.environ.get("CI") == "true":
                    problems.append(message)
                else:
                    console.print(f"[yellow]warning[/]: {message}")
                continue
            results[version] = _import_all(source, interpreter, version, root / version)
    problems += [
        f"{fid} on Python {version}: {result.error}"
        for version, by_function in results.items()
        for fid, result in by_function.items()
        if not result.ok
    ]
    _print_imports(results)
    if problems:
        for problem in problems:
            console.print(f"[red]✗[/] {problem}")
        raise typer.Exit(1)
    console.print(
        f"[green]✓[/] the package is sound: {len(functions_of(source))} functions import cleanly on "
        f"Python {', '.join(results)}"
    )


def _check_artifact(build_dir: Path) -> list[str]:
    if not (build_dir / "template.yaml").is_file():
        return [f"{build_dir} has no template.yaml: run `sam build` (make package) first"]
    report = inspect(build_dir, python_version=TARGET_PYTHON)
    table = Table(title=f"{build_dir}: the arm64 / Python {TARGET_PYTHON} artifacts")
    for column in ("artifact", "unzipped MB", f"cpython-{TARGET_PYTHON.replace('.', '')} .pyc"):
        table.add_column(column, justify="left" if column == "artifact" else "right")
    for name, size in report.sizes.items():
        table.add_row(name, f"{size / 1_048_576:.1f}", str(report.pyc[name]))
    console.print(table)
    if not any(report.pyc.values()):
        console.print(f"[yellow]warning[/]: nothing is precompiled (no Python {TARGET_PYTHON} at build time)")
    return report.problems


def _import_all(template: Path, interpreter: str, version: str, into: Path) -> dict[str, ImportResult]:
    functions, layers = functions_of(template), layers_of(template)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"Python {version}: building for this host", total=len(functions))
        build = build_for_host(
            functions,
            layers,
            python=interpreter,
            version=version,
            into=into / "build",
            progress=lambda name: progress.update(task, description=f"{version}: build {name}"),
        )
        runtime = CleanRuntime(interpreter, into / "runtime")
        results = {}
        for function in functions:
            progress.update(task, description=f"{version}: import {function.logical_id}", advance=1)
            results[function.logical_id] = runtime.import_handler(function, build)
    return results


def _print_imports(results: dict[str, dict[str, ImportResult]]) -> None:
    if not results:
        return
    table = Table(title="Cold import of each handler in a clean process (ms; boto3 = imported at load time)")
    table.add_column("function")
    for version in results:
        table.add_column(f"Python {version}", justify="right")
    table.add_column("boto3")
    first = next(iter(results.values()))
    for function in first:
        cells = [
            f"{by[function].import_ms:.0f}" if by[function].ok else "[red]fails[/]" for by in results.values()
        ]
        table.add_row(function, *cells, "yes" if first[function].boto3_at_import else "")
    console.print(table)
