"""The traffic state the facade routes by — green percentage and shadow rate — in one DynamoDB table
declared in template.yaml (``TrafficStateTable``) that the local facade and AWS's read alike.

The facade reads it through a short cache (a second by default), so a change reaches every facade
instance within that second without a read per request. Writes are conditional on the version read,
so two operators (or an operator and the rollout controller) never overwrite each other unseen.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import PutError
from pynamodb.models import Model

KEY = "traffic"


class StateConflict(RuntimeError):
    """Someone changed the traffic state since it was read."""


@dataclass(frozen=True)
class Traffic:
    green_percent: float = 0.0
    shadow_percent: float = 0.0
    updated_at: str = ""
    updated_by: str = ""
    version: int = 0

    def __post_init__(self) -> None:
        for name in ("green_percent", "shadow_percent"):
            value = getattr(self, name)
            if not 0 <= value <= 100:
                raise ValueError(f"{name.replace('_', ' ')} must be between 0 and 100, not {value:g}")


class _Row(Model):
    name = UnicodeAttribute(hash_key=True)
    green_percent = NumberAttribute()
    shadow_percent = NumberAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()
    version = VersionAttribute()


def _bound(table_name: str, region: str | None = None) -> type[_Row]:
    import os

    meta = type(
        "Meta",
        (),
        {
            "table_name": table_name,
            "region": region
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
            or "us-east-1",
        },
    )
    return type("TrafficRow", (_Row,), {"Meta": meta, "__module__": __name__})


class TrafficState:
    def __init__(self, table_name: str, *, cache_seconds: float = 1.0) -> None:
        self._row = _bound(table_name)
        self._cache_seconds = cache_seconds
        self._cached: tuple[float, Traffic] | None = None
        self._lock = threading.Lock()

    def read(self) -> Traffic:
        """Strongly consistent; no state yet means all blue, no shadow."""
        try:
            row = self._row.get(KEY, consistent_read=True)
        except self._row.DoesNotExist:
            return Traffic()
        return Traffic(
            float(row.green_percent),
            float(row.shadow_percent),
            row.updated_at,
            row.updated_by,
            int(row.version or 0),
        )

    def current(self) -> Traffic:
        """The facade's view: at most ``cache_seconds`` old."""
        with self._lock:
            if self._cached is None or time.monotonic() - self._cached[0] > self._cache_seconds:
                self._cached = (time.monotonic(), self.read())
            return self._cached[1]

    def write(
        self,
        before: Traffic,
        *,
        green_percent: float | None = None,
        shadow_percent: float | None = None,
        by: str,
    ) -> Traffic:
        after = replace(
            before,
            green_percent=before.green_percent if green_percent is None else green_percent,
            shadow_percent=before.shadow_percent if shadow_percent is None else shadow_percent,
            updated_at=datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            updated_by=by,
        )
        row = self._row(
            KEY,
            green_percent=after.green_percent,
            shadow_percent=after.shadow_percent,
            updated_at=after.updated_at,
            updated_by=by,
        )
        if before.version:
            row.version = before.version
        try:
            row.save()  # VersionAttribute: only if nobody wrote since ``before`` was read
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise StateConflict("the traffic state changed meanwhile; read it again") from None
            raise
        self._cached = None
        return replace(after, version=int(row.version))
