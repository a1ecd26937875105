"""Time and identity in the formats DESIGN.md fixes: ISO-8601 UTC with ``Z``, UUIDv4 ids."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    """``2026-11-27T21:17:05.123Z`` (millisecond precision, always UTC)."""
    return (
        moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def now_iso() -> str:
    return iso(utc_now())


def new_id() -> str:
    return str(uuid.uuid4())
