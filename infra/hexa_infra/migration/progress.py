"""Progress of a long command per table: rows, rows/s and ETA — rich bars on a terminal, plain lines
(one per table every few seconds, and at the end) when the output is a file or a pipe."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


class TableProgress:
    def __init__(self, console: Console | None = None, *, plain_every: float = 3.0) -> None:
        self.console = console or Console(stderr=True)
        self.live = self.console.is_terminal
        self._lock = threading.Lock()
        self._plain_every = plain_every
        self._tasks: dict[str, Any] = {}
        self._state: dict[str, list[float]] = {}  # table → [done, total, started, last printed]
        self._bars = (
            Progress(
                TextColumn("{task.description:<22}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:>9} rows/s"),
                TimeRemainingColumn(),
                console=self.console,
            )
            if self.live
            else None
        )

    def __enter__(self) -> "TableProgress":
        if self._bars is not None:
            self._bars.start()
        return self

    def __exit__(self, *_: Any) -> None:
        if self._bars is not None:
            self._bars.stop()
        else:
            for table in self._state:
                self._print(table, final=True)

    def start(self, table: str, total: int, done: int = 0) -> None:
        with self._lock:
            now = time.monotonic()
            self._state[table] = [done, total, now, now]
            if self._bars is not None:
                self._tasks[table] = self._bars.add_task(table, total=total, completed=done, rate="-")

    def advance(self, table: str, rows: int) -> None:
        with self._lock:
            state = self._state[table]
            state[0] += rows
            rate = state[0] / max(time.monotonic() - state[2], 1e-6)
            if self._bars is not None:
                self._bars.update(self._tasks[table], advance=rows, rate=f"{rate:,.0f}")
            elif time.monotonic() - state[3] >= self._plain_every:
                self._print(table)

    def _print(self, table: str, final: bool = False) -> None:
        done, total, started, _ = self._state[table]
        elapsed = max(time.monotonic() - started, 1e-6)
        rate = done / elapsed
        eta = (total - done) / rate if rate and total > done else 0
        self._state[table][3] = time.monotonic()
        print(
            f"{table}: {done:.0f}/{total:.0f} rows, {rate:,.0f} rows/s, "
            f"{'done in ' + format(elapsed, '.1f') + ' s' if final else 'eta ' + format(eta, '.0f') + ' s'}",
            file=sys.stderr if self.console.stderr else sys.stdout,
            flush=True,
        )
