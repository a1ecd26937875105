"""The use case: one record of one of the platform's tables → the monolith's row, or nothing."""

from __future__ import annotations

from typing import Any, Protocol

from .rows import MAPPERS, LegacyRow

FROM_BLUE, REMOVED = "from_blue", "removed"


class LegacyTablesPort(Protocol):
    def write(self, row: LegacyRow) -> str: ...


def write_change(source: str, image: dict[str, Any] | None, tables: LegacyTablesPort) -> str:
    """``source`` names the platform table (``partners``, ``contracts``, ``campaigns``, ``campaign_days``,
    ``commission_lines``); ``image`` its new state, ``None`` for a removal (the platform removes none of
    these records; one is reported, not carried over). Returns what happened: ``written``, ``older``
    (a newer version is already there), ``from_blue`` (the monolith's own data), ``removed``."""
    if image is None:
        return REMOVED
    row = MAPPERS[source](image)
    if row is None:
        return FROM_BLUE
    return tables.write(row)
