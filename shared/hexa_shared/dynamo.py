"""pynamodb plumbing shared by every context's adapters."""
from __future__ import annotations

import functools
import os

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError


def region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def meta(table_name: str) -> type:
    """A pynamodb ``Meta`` for a table whose name is only known at run time (template output)."""
    return type("Meta", (), {"table_name": table_name, "region": region()})


@functools.lru_cache(maxsize=None)
def connection() -> Connection:
    """The container's connection for ``TransactWrite`` (a botocore client costs ~20 ms to build,
    so it is made once); the endpoint comes from ``AWS_ENDPOINT_URL`` when set."""
    return Connection(region=region())


def cancelled_by_condition(error: TransactWriteError, index: int | None = None) -> bool:
    """Was this transaction cancelled because a condition failed (at ``index``, or anywhere)?"""
    reasons = getattr(error, "cancellation_reasons", None) or []
    if index is not None:
        reason = reasons[index] if index < len(reasons) else None
        return bool(reason and reason.code == "ConditionalCheckFailed")
    return any(r and r.code == "ConditionalCheckFailed" for r in reasons)
