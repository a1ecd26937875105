"""Test and chaos switches of the local gateway: make one function's HTTP routes fail, on demand.

A fault sits in front of the handlers, never inside them, the way a stopped, overloaded or failing
owner looks to its callers: ``down`` (503), ``stall:SECONDS`` (answers that much later) or
``error-rate:P`` (a share P of requests answer 500). ``hexa up --fault FUNCTION=SPEC`` sets one at
start-up; on a running cloud, ``hexa fault set|clear|list`` talks to the runtime's loopback control
port (the X-Ray daemon stand-in's TCP side), which hands the change to the gateway.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

MAX_STALL = 60.0


class BadFault(ValueError):
    """Not a fault spec; the message says what is accepted."""


@dataclass(frozen=True)
class Fault:
    down: bool = False
    stall: float = 0.0
    error_rate: float = 0.0

    @classmethod
    def parse(cls, spec: str) -> "Fault":
        """``down``, ``stall:SECONDS`` (0 < SECONDS ≤ 60) or ``error-rate:P`` (0 < P ≤ 1)."""
        kind, _, value = spec.strip().partition(":")
        if kind == "down" and not value:
            return cls(down=True)
        if kind in ("stall", "error-rate"):
            try:
                number = float(value)
            except ValueError:
                number = math.nan
            limit = MAX_STALL if kind == "stall" else 1.0
            if math.isfinite(number) and 0 < number <= limit:
                return cls(stall=number) if kind == "stall" else cls(error_rate=number)
        raise BadFault(
            f"{spec!r}: expected down, stall:SECONDS (0 < SECONDS ≤ {MAX_STALL:g}) "
            "or error-rate:P (0 < P ≤ 1)"
        )

    def describe(self) -> str:
        if self.down:
            return "down"
        return f"stall:{self.stall:g}" if self.stall else f"error-rate:{self.error_rate:g}"

    def fails_now(self) -> bool:
        """For ``error-rate``: does this request fail (a coin flip weighted by the rate)?"""
        return self.error_rate > 0 and random.random() < self.error_rate
