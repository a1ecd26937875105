"""``hexa fault`` and ``hexa dlq``: operating a running stack (the gateway's injected faults, its dead
letters)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from hexa_infra import dlq as dead_letters
from hexa_infra import traces as trace_view
from hexa_infra.cli_options import ControlOpt, EndpointOpt, StackOpt, TemplateOpt, console
from hexa_infra.local.faults import BadFault, Fault
from hexa_infra.stack import Stack, find_template

dlq_cli = typer.Typer(no_args_is_help=True, help="Dead-letter queues: list, peek, redrive.")
fault_cli = typer.Typer(
    no_args_is_help=True, help="Faults of the running local cloud's gateway (chaos, rollbacks)."
)


@fault_cli.command("set")
def fault_set(
    function: str = typer.Argument(..., help="A function's logical id, e.g. PartnerManagementApiFunction"),
    spec: str = typer.Argument(..., metavar="down|stall:SECONDS|error-rate:P"),
    stack: str = StackOpt,
    daemon_address: str = ControlOpt,
) -> None:
    """Make one function's HTTP routes fail at the gateway of the running cloud, until cleared."""
    try:
        Fault.parse(spec)
    except BadFault as error:
        raise typer.BadParameter(str(error), param_hint="SPEC") from None
    _print_faults(
        trace_view.local_query(
            daemon_address, f"faults/{function}", stack, method="PUT", body={"fault": spec}
        )
    )


@fault_cli.command("clear")
def fault_clear(
    function: Optional[str] = typer.Argument(None, help="Only this function's (default: all)"),
    stack: str = StackOpt,
    daemon_address: str = ControlOpt,
) -> None:
    """Clear one function's fault, or every fault."""
    _print_faults(
        trace_view.local_query(
            daemon_address, f"faults/{function}" if function else "faults", stack, method="DELETE"
        )
    )


@fault_cli.command("list")
def fault_list(stack: str = StackOpt, daemon_address: str = ControlOpt) -> None:
    """The faults the running cloud's gateway applies now."""
    _print_faults(trace_view.local_query(daemon_address, "faults", stack))


def _print_faults(faults: dict[str, str]) -> None:
    console.print("\n".join(f"{name}: {spec}" for name, spec in faults.items()) or "no faults")


@dlq_cli.command("list")
def dlq_list(
    template: Optional[Path] = TemplateOpt, stack: str = StackOpt, endpoint_url: Optional[str] = EndpointOpt
) -> None:
    """Every DLQ and stream on-failure queue, with its message count."""
    table = Table("queue", "messages", "redrives into")
    for queue in Stack.connect(find_template(template), stack, endpoint_url).dead_letter_queues():
        table.add_row(queue.logical_id, str(queue.messages), queue.source_url or "(its stream functions)")
    console.print(table)


@dlq_cli.command("peek")
def dlq_peek(
    queue: str,
    count: int = 5,
    template: Optional[Path] = TemplateOpt,
    stack: str = StackOpt,
    endpoint_url: Optional[str] = EndpointOpt,
) -> None:
    """Show a few messages of one DLQ, each with the reason it is there, without removing them."""
    connected = Stack.connect(find_template(template), stack, endpoint_url)
    console.print_json(
        json.dumps(dead_letters.peek(connected.sqs, connected.dead_letter_queue(queue), count))
    )


@dlq_cli.command("redrive")
def dlq_redrive(
    queue: str,
    template: Optional[Path] = TemplateOpt,
    stack: str = StackOpt,
    endpoint_url: Optional[str] = EndpointOpt,
) -> None:
    """After fixing the cause: move a DLQ's messages back to their source queue, or hand a stream failure
    queue's parked records back to the function that parked them."""
    result = Stack.connect(find_template(template), stack, endpoint_url).redrive(queue)
    console.print(
        f"{queue}: {result.moved} message(s) redriven, {result.kept} left in place "
        "(still failing, or a batch description Lambda wrote: rebuild instead)"
    )
