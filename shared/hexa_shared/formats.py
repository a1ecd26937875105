"""The platform's wire grammars, strict and dependency-free: ids, timestamps, dates, money.

One definition each, used by the HTTP models (pydantic), the event schemas (JSON Schema ``format``)
and the consumers. jsonschema's own ``date-time`` check silently passes when the optional
``rfc3339-validator`` package is absent (it is, in the Lambda layer), and ``date.fromisoformat``
accepts ``2026-W49-1`` and ``20261201``: neither may decide what enters the platform.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
UUID4_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
# ISO-8601 / RFC 3339 in UTC with ``Z``: 2026-11-30T16:33:31Z, with an optional fraction (≤ 9 digits)
TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$"
# Money on the wire: digits, at most two decimals, no sign, no exponent, no separators, no spaces
MONEY_PATTERN = r"^\d{1,13}(\.\d{1,2})?$"

EARLIEST_DATE, LATEST_DATE = date(1970, 1, 1), date(2099, 12, 31)

_UUID, _UUID4 = re.compile(UUID_PATTERN), re.compile(UUID4_PATTERN)
_DATE, _TIMESTAMP = re.compile(DATE_PATTERN, re.ASCII), re.compile(TIMESTAMP_PATTERN, re.ASCII)


def is_uuid(value: object) -> bool:
    """A canonical (lower-case, hyphenated) RFC 4122 UUID of any version."""
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


def is_uuid4(value: object) -> bool:
    return isinstance(value, str) and _UUID4.fullmatch(value) is not None


def parse_date(value: object) -> date:
    """``YYYY-MM-DD``, a real calendar day between 1970-01-01 and 2099-12-31; ``ValueError`` otherwise."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValueError("must be a date YYYY-MM-DD")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a real calendar date YYYY-MM-DD") from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError(f"must be between {EARLIEST_DATE} and {LATEST_DATE}")
    return day


def parse_timestamp(value: object) -> datetime:
    """An ISO-8601 UTC timestamp ending in ``Z`` (``2026-11-30T16:33:31.123Z``) in the sane date range."""
    if not isinstance(value, str) or not _TIMESTAMP.fullmatch(value):
        raise ValueError("must be an ISO-8601 UTC timestamp such as 2026-11-30T16:33:31Z")
    parse_date(value[:10])
    whole, _, fraction = value[:-1].partition(".")
    try:
        moment = datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise ValueError("must be a real moment (hour ≤ 23, minute and second ≤ 59)") from None
    micros = int((fraction + "000000")[:6]) if fraction else 0
    return moment.replace(microsecond=micros, tzinfo=timezone.utc)


def is_date(value: object) -> bool:
    return _holds(parse_date, value)


def is_timestamp(value: object) -> bool:
    return _holds(parse_timestamp, value)


def _holds(parse, value: object) -> bool:  # noqa: ANN001
    try:
        parse(value)
        return True
    except ValueError:
        return False


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile(r"[\n\r\t\u2028\u2029]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def broken_unicode(value: str) -> bool:
    """A lone surrogate (``"\\ud800"`` in JSON): valid JSON, but no UTF-8 store can keep it."""
    return _SURROGATE.search(value) is not None


def text_problem(value: str, *, multiline: bool = True) -> str | None:
    """Why ``value`` is not acceptable text (control characters, broken Unicode), or ``None``.
    Tabs and line breaks are text in a description, not in a name (``multiline=False``)."""
    if broken_unicode(value):
        return "contains invalid Unicode (a lone surrogate)"
    if _CONTROL.search(value):
        return "contains control characters"
    if not multiline and _LINE_BREAK.search(value):
        return "must be a single line (no tabs or line breaks)"
    return None
