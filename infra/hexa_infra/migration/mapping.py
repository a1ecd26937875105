"""The monolith → platform mapping: the one place where the legacy (Spanish) columns are named.

Pure functions: a legacy row (a dict keyed by its PostgreSQL column names) and what is already known
of its parents → an :class:`Outcome` (migrated, normalised, merged or rejected, with the reason) and,
unless rejected or merged, the record in the platform's vocabulary. ``../shared/legacy/README.md``
lists the value domains and the data-quality problems handled here; each normalisation is noted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from hexa_shared.formats import EARLIEST_DATE, LATEST_DATE, is_uuid, text_problem
from legacy_writer.vocabulary import (  # noqa: F401 - re-exported: the mapping's value domains
    CAMPAIGN_STATES,
    CONTRACT_STATES,
    CONTRACT_TYPES,
    METRICS,
    MONEY_METRICS,
    PARTNER_STATES,
    PARTNER_TYPES,
)

CENT = Decimal("0.01")

MIGRATED, NORMALISED, MERGED, REJECTED = "migrated", "normalised", "merged", "rejected"


@dataclass
class Outcome:
    table: str
    id: str
    outcome: str = MIGRATED
    reason: str | None = None
    into: str | None = None
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        self.notes.append(text)
        self.outcome = NORMALISED if self.outcome == MIGRATED else self.outcome

    def reject(self, reason: str) -> "Outcome":
        self.outcome, self.reason = REJECTED, reason
        return self

    def described(self) -> str | None:
        if self.outcome == REJECTED:
            return self.reason
        if self.outcome == MERGED:
            return self.reason or f"merged into {self.into}"
        return "; ".join(self.notes) or None


class Rejected(Exception):
    """A value the platform cannot take; the row is rejected with this reason."""


def utc(moment: datetime | None, column: str) -> str:
    """A naive UTC timestamp (the monolith's convention) → ISO-8601 with ``Z``, millisecond precision."""
    if moment is None:
        raise Rejected(f"{column} is NULL")
    moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def money(value: Any, column: str, out: Outcome, *, required: bool = True) -> Decimal | None:
    """Two decimals, rounded half away from zero (PostgreSQL's ``round(numeric, 2)``); noted when it
    changed."""
    if value is None or value == "":
        if required:
            raise Rejected(f"{column} is NULL")
        return None
    if isinstance(value, bool) or isinstance(value, float) and value != value:
        raise Rejected(f"{column} is not an amount")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise Rejected(f"{column} is not an amount: {str(value)[:40]!r}") from None
    if not amount.is_finite() or amount < 0:
        raise Rejected(f"{column} is not a non-negative amount")
    rounded = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if rounded != amount:
        out.note(f"{column} {amount} rounded to {rounded}")
    if isinstance(value, str):
        out.note(f"{column} was the text {value!r}")
    return rounded


def enum(value: Any, domain: dict[str, str], column: str, out: Outcome) -> str:
    """A legacy enumeration value → the platform's; stray case or spaces are normalised (noted)."""
    if value is None:
        raise Rejected(f"{column} is NULL")
    cleaned = str(value).strip().upper()
    if cleaned not in domain:
        raise Rejected(f"{column} {str(value)[:40]!r} is outside its domain ({', '.join(domain)})")
    if cleaned != value:
        out.note(f"{column} {value!r} read as {cleaned!r}")
    return domain[cleaned]


def text(
    value: Any, column: str, *, max_length: int, required: bool = True, one_line: bool = False
) -> str | None:
    """Text arrives byte for byte (accents, ñ, emoji): never trimmed or re-encoded; only refused."""
    if value is None:
        if required:
            raise Rejected(f"{column} is NULL")
        return None
    if required and not value.strip():
        raise Rejected(f"{column} is empty")
    if len(value) > max_length:
        raise Rejected(f"{column} is {len(value)} characters, over the platform's {max_length}")
    problem = text_problem(value, multiline=not one_line)
    if problem:
        raise Rejected(f"{column} {problem}")
    return value


def ratio(value: Any) -> str:
    """``0.1000`` → ``"0.10"``, ``0.1250`` → ``"0.125"``: the platform's spelling of the same rate."""
    rate = Decimal(value).normalize()
    return str(rate.quantize(CENT) if rate.as_tuple().exponent > -2 else rate)


def day(value: date | None, column: str) -> date:
    """A date the platform's grammar takes (1970-01-01 to 2099-12-31)."""
    if value is None:
        raise Rejected(f"{column} is NULL")
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise Rejected(f"{column} {value} is outside {EARLIEST_DATE}..{LATEST_DATE}")
    return value


def identifier(value: Any, column: str) -> str:
    """A legacy UUID the platform can use as an id (an RFC 4122 UUID, versions 1-8: tokens, events and
    APIs check that); the nil UUID and the like are refused."""
    text = str(value) if value is not None else ""
    if not is_uuid(text):
        raise Rejected(f"{column} {text or 'NULL'} is not a UUID the platform accepts")
    return text


def metrics(raw: Any, out: Outcome) -> dict[str, Any]:
    """``metricas`` → impressions/clicks/conversions (integers) and revenue/spend (money): an absent key
    is 0, a number in a string is read (each noted), money keeps two decimals."""
    if raw is None:
        raise Rejected("metricas is NULL")
    if isinstance(raw, str):
        raw = json.loads(raw)
    if not isinstance(raw, dict):
        raise Rejected("metricas is not an object")
    result: dict[str, Any] = {}
    for legacy, name in METRICS.items():
        value = raw.get(legacy)
        if value is None:
            out.note(f"metricas.{legacy} absent: 0")
            value = 0
        elif isinstance(value, str):
            out.note(f"metricas.{legacy} was the text {value!r}")
            value = value.strip()
            if not value.isdigit():
                raise Rejected(f"metricas.{legacy} is not a count")
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            if isinstance(value, float) and value.is_integer() and value >= 0:
                value = int(value)
            else:
                raise Rejected(f"metricas.{legacy} is not a count")
        result[name] = value
    for legacy, name in MONEY_METRICS.items():
        if raw.get(legacy) is None:
            out.note(f"metricas.{legacy} absent: 0")
        result[name] = money(
            raw.get(legacy, 0) if raw.get(legacy) is not None else 0, f"metricas.{legacy}", out
        )
    unknown = sorted(set(raw) - set(METRICS) - set(MONEY_METRICS))
    if unknown:
        out.note(f"metricas keys {', '.join(unknown)} not carried over")
    return result
