"""``hexa up``: the whole platform on this machine — emulator, gateway, every context, demo data, tokens."""

from __future__ import annotations

import json
import os
import signal
import socket
import threading
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from hexa_infra import search
from hexa_infra.cli_options import SearchOpt, StackOpt, TemplateOpt, console
from hexa_infra.local.faults import BadFault, Fault
from hexa_infra.seed import seed
from hexa_infra.stack import Stack, find_template


def up(
    template: Optional[Path] = TemplateOpt,
    stack: str = StackOpt,
    endpoint_url: Optional[str] = typer.Option(
        None,
        "--endpoint-url",
        envvar="AWS_ENDPOINT_URL",
        help="Use this endpoint (LocalStack, AWS) instead of the embedded emulator",
    ),
    host: str = typer.Option("127.0.0.1", help="Where the API Gateway and emulator listen"),
    port: int = typer.Option(3000, help="Local API Gateway port (0 = any free port)"),
    emulator_port: int = typer.Option(4566, help="Embedded emulator port (0 = any free port)"),
    no_seed: bool = typer.Option(False, "--no-seed", help="Skip the demo data"),
    search_endpoint: Optional[str] = SearchOpt,
    trace_port: int = typer.Option(
        2000,
        help="Local X-Ray daemon port, UDP + TCP on 127.0.0.1 (0 = any free "
        "port; taken = a real daemon gets the segments)",
    ),
    ready_file: Optional[Path] = typer.Option(None, help="Write URLs and tokens here as JSON once ready"),
    fault: list[str] = typer.Option(
        [],
        "--fault",
        metavar="FUNCTION=down|stall:SECONDS|error-rate:P",
        help="Chaos/benchmark only: make one function's HTTP routes answer 503, answer "
        "SECONDS late, or fail a share P with 500, at the gateway (handlers "
        "untouched). Repeatable; `hexa fault` changes them while it runs.",
    ),
    legacy_dsn: Optional[str] = typer.Option(
        None,
        "--legacy-dsn",
        help="Blue/green: load this monolith "
        "database into the platform, then serve it as blue and start the facade",
    ),
    blue_port: int = typer.Option(
        5000, "--blue-port", help="With --legacy-dsn: the monolith's port (0 = any free port)"
    ),
    facade_port: int = typer.Option(
        8080,
        "--facade-port",
        help="With --legacy-dsn: the facade's port, the URL clients use (0 = any free port)",
    ),
) -> None:
    """Start the emulator, create every template resource, serve all routes, run every event source
    (and with --legacy-dsn, the monolith as blue and the facade in front of both)."""
    from hexa_infra.local.cloud import LocalCloud

    faults = [parse_fault(spec) for spec in fault]
    if port == 0:  # the contexts call each other through this gateway: its URL is known before start
        port = free_port(host)
    search_endpoint = search_endpoint or search.default_endpoint(stack)
    if not endpoint_url:  # a fresh embedded emulator: the search index must start empty too
        search.reset(search_endpoint, stack)
    cloud = LocalCloud(
        str(find_template(template)),
        stack_name=stack,
        endpoint_url=endpoint_url or None,
        emulator_host=host,
        emulator_port=emulator_port,
        gateway_host=host,
        gateway_port=port,
        trace_port=trace_port,
        parameter_overrides={
            "SearchEndpoint": search_endpoint,
            # locally a new candidate should be searchable quickly;
            # AWS keeps the template's default (1s)
            "SearchRefreshInterval": "500ms",
            "ServiceBaseUrl": f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}",
            # blue/green: streams + LegacyWriterFunction (green -> blue)
            "Coexistence": "enabled" if legacy_dsn else "disabled",
        },
    )
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    with console.status("starting the local cloud…"):
        cloud.start()
    blue_green = None
    try:
        stack_info = Stack.of(cloud)
        admin = stack_info.token(role="admin")
        partner_id, partner = None, None
        if legacy_dsn:
            blue_green = _start_blue_green(cloud, stack_info, legacy_dsn, host, blue_port, facade_port)
        elif not no_seed:
            with console.status("seeding demo data through the API…"):
                result = seed(cloud.api_url, admin)
            partner_id = result.partner_ids[0]
            partner = stack_info.token(role="partner", partner_id=partner_id)
        for logical_id, injected in faults:  # after the seed, which needs every context
            if logical_id not in cloud.functions:
                raise typer.BadParameter(f"no function {logical_id} in the template", param_hint="--fault")
            cloud.set_fault(logical_id, injected)
            console.print(f"[yellow]fault injected: {logical_id} {injected.describe()}[/]")
        _banner(cloud, admin, partner_id, partner, blue_green)
        if ready_file:
            ready_file.write_text(
                json.dumps(
                    {
                        "api_url": cloud.api_url,
                        "endpoint_url": cloud.endpoint_url,
                        "admin_token": admin,
                        "partner_id": partner_id,
                        "partner_token": partner,
                        "pid": os.getpid(),
                        "xray_daemon_address": cloud.xray_daemon_address,
                        **(
                            {"blue_url": blue_green.blue_url, "facade_url": blue_green.facade.url}
                            if blue_green
                            else {}
                        ),
                    }
                )
            )
        while not stopping.wait(0.5):  # a timed wait keeps the main thread responsive to signals
            pass
    finally:
        console.print("stopping…")
        if blue_green is not None:
            blue_green.stop()
        cloud.stop()


def parse_fault(spec: str) -> tuple[str, Fault]:
    """``Fn=down`` → (Fn, Fault(down)); ``Fn=stall:2.5``, ``Fn=error-rate:0.3``; anything else a usage
    error."""
    logical_id, _, kind = spec.partition("=")
    try:
        if not logical_id:
            raise BadFault("a function's logical id comes first: FUNCTION=SPEC")
        return logical_id, Fault.parse(kind)
    except BadFault as error:
        raise typer.BadParameter(str(error), param_hint="--fault") from None


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _start_blue_green(
    cloud,
    stack_info: Stack,
    legacy_dsn: str,
    host: str,
    blue_port: int,  # noqa: ANN001
    facade_port: int,
):  # noqa: ANN202
    from hexa_infra.local.blue_green import BlueGreen
    from hexa_infra.migration.legacy_db import LegacyError, session
    from hexa_infra.tokens import SIGNING_KEY_RESOURCE, signing_key

    try:
        with session(legacy_dsn):
            pass
    except LegacyError as error:
        raise typer.BadParameter(str(error), param_hint="--legacy-dsn") from None
    key = signing_key(stack_info.clients("secretsmanager"), stack_info.resources[SIGNING_KEY_RESOURCE].ref)
    console.print("loading the monolith's data into green (hexa migrate load)…")
    blue_port = blue_port or free_port(host)  # blue's URL is health-checked and handed to the facade
    facade_port = facade_port or free_port(host)
    return BlueGreen(
        cloud, stack_info, legacy_dsn, key, host=host, blue_port=blue_port, facade_port=facade_port
    ).start()


def _banner(cloud, admin: str, partner_id: str | None, partner: str | None, blue_green=None) -> None:  # noqa: ANN001
    table = Table(show_header=False, box=None)
    if blue_green is not None:
        table.add_row(
            "facade (use this)", f"{blue_green.facade.url}  (X-Served-By: blue|green; hexa traffic set)"
        )
        table.add_row("blue: the monolith", blue_green.blue_url)
        table.add_row("green: the platform", cloud.api_url)
        table.add_row("change capture", "both ways (hexa cdc status; LegacyWriterFunction)")
        table.add_row(
            "rollout",
            "hexa rollout start --steps 10,50,100 --hold 1h,2h,0s"
            + (
                ""
                if cloud.xray_daemon_address == "127.0.0.1:2000"
                else f" --daemon-address {cloud.xray_daemon_address}"
            ),
        )
    table.add_row("API Gateway", cloud.api_url)
    table.add_row("AWS endpoint", cloud.endpoint_url or "AWS")
    table.add_row("routes", str(len(cloud.routes)))
    table.add_row("search", cloud.template.parameters.get("SearchEndpoint", ""))
    table.add_row("API docs", f"{cloud.api_url}/openapi.json (OpenAPI 3.1, all contexts; needs a token)")
    table.add_row(
        "traces",
        f"hexa traces (X-Ray daemon {cloud.xray_daemon_address})"
        if cloud.xray_daemon_address
        else "sent to the X-Ray daemon already on the trace port",
    )
    table.add_row(
        "metrics",
        "hexa metrics"
        if cloud.xray_daemon_address
        else "kept, but unreachable: the trace port is taken (hexa up --trace-port)",
    )
    table.add_row("demo partner", partner_id or "(not seeded)")
    console.print(table)
    # tokens are printed whole and unstyled so they can be copied (a table would truncate them)
    typer.echo(f"\nADMIN_TOKEN={admin}")
    if partner:
        typer.echo(f"PARTNER_TOKEN={partner}")
    typer.echo(
        f'\ntry: curl -H "Authorization: Bearer $ADMIN_TOKEN" {cloud.api_url}/partners    (Ctrl-C stops)\n'
    )
