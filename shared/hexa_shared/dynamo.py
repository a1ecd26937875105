"""pynamodb plumbing shared by every context's adapters."""

from __future__ import annotations

import functools
import os
from decimal import Decimal
from typing import Any

from pynamodb.attributes import Attribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.constants import NUMBER
from pynamodb.exceptions import TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.transactions import TransactWrite

from hexa_shared.http.pagination import decode_token, encode_token


def region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def meta(table_name: str) -> type:
    """A pynamodb ``Meta`` for a table whose name is only known at run time (template output)."""
    return type("Meta", (), {"table_name": table_name, "region": region()})


def bound(base: type, table_name: str, name: str | None = None) -> Any:
    """``base`` (a pynamodb model without ``Meta``) bound to its table, a name known only at run time."""
    return type(
        name or base.__name__.strip("_"), (base,), {"Meta": meta(table_name), "__module__": base.__module__}
    )


def by_partner_index() -> Any:
    """The ``by_partner`` (partner_id, created_at) index, a fresh class per model: pynamodb binds an
    index class to the model that declares it, so one class shared by two models would answer for one."""

    class ByPartner(GlobalSecondaryIndex):  # type: ignore[type-arg]
        class Meta:
            index_name = "by_partner"
            projection = AllProjection()

        partner_id = UnicodeAttribute(hash_key=True)
        created_at = UnicodeAttribute(range_key=True)

    return ByPartner()


@functools.lru_cache(maxsize=None)
def connection() -> Connection:
    """The container's connection for ``TransactWrite`` (a botocore client costs ~20 ms to build,
    so it is made once); the endpoint comes from ``AWS_ENDPOINT_URL`` when set."""
    return Connection(region=region())


class Transaction(TransactWrite):
    """A pynamodb ``TransactWrite`` on the container's connection that can tell *which* of its
    operations a cancellation blames.

    DynamoDB reports cancellation reasons by position in ``TransactItems``, and pynamodb does not
    send operations in call order: condition checks first, then deletes, puts, updates. Each call
    returns a handle; :meth:`blames` maps it to its real position.
    """

    _ORDER = ("condition_check", "delete", "save", "update")

    def __init__(self) -> None:
        super().__init__(connection=connection())
        self._calls: list[str] = []

    def _track(self, kind: str) -> int:
        self._calls.append(kind)
        return len(self._calls) - 1

    def save(self, model, condition=None, return_values=None) -> int:  # type: ignore[override]  # noqa: ANN001
        super().save(model, condition=condition, return_values=return_values)
        return self._track("save")

    def update(self, model, actions, condition=None, return_values=None, **kwargs) -> int:  # type: ignore[override]  # noqa: ANN001
        super().update(model, actions, condition=condition, return_values=return_values, **kwargs)
        return self._track("update")

    def delete(self, model, condition=None, **kwargs) -> int:  # type: ignore[override]  # noqa: ANN001
        super().delete(model, condition=condition, **kwargs)
        return self._track("delete")

    def position(self, handle: int) -> int:
        kind = self._calls[handle]
        earlier_kinds = sum(1 for k in self._calls if self._ORDER.index(k) < self._ORDER.index(kind))
        return earlier_kinds + self._calls[:handle].count(kind)

    def blames(self, error: TransactWriteError, handle: int) -> bool:
        """Was the transaction cancelled because the condition of operation ``handle`` failed?"""
        return cancelled_by_condition(error, self.position(handle))


def cancelled_by_condition(error: TransactWriteError, index: int | None = None) -> bool:
    """Was this transaction cancelled because a condition failed (at ``index``, or anywhere)?"""
    reasons = getattr(error, "cancellation_reasons", None) or []
    if index is not None:
        reason = reasons[index] if index < len(reasons) else None
        return bool(reason and reason.code == "ConditionalCheckFailed")
    return any(r and r.code == "ConditionalCheckFailed" for r in reasons)


class DecimalAttribute(Attribute[Decimal]):
    """A DynamoDB Number read and written as an exact ``Decimal`` (pynamodb's NumberAttribute goes
    through JSON floats). Usable in ADD actions and numeric conditions."""

    attr_type = NUMBER

    def serialize(self, value: Decimal) -> str:
        return str(value)

    def deserialize(self, value: str) -> Decimal:
        return Decimal(value)


def query_page(
    model: Any, index: Any, hash_value: str, condition: Any, limit: int, next_token: str | None
) -> tuple[list[Any], str | None]:
    """One page of a list API: the ``index`` query for ``hash_value`` (e.g. one partner's items), with
    an optional filter. ``hash_value`` is required: "every item" is :func:`scan_page`, asked for by name."""
    if not isinstance(hash_value, str) or not hash_value:
        raise ValueError(f"query_page needs a {index.Meta.index_name} key, got {type(hash_value).__name__}")
    table_keys = {k for k in (model._hash_keyname, model._range_keyname) if k}
    results = index.query(
        hash_value,
        filter_condition=condition,
        limit=limit,
        page_size=limit,
        last_evaluated_key=decode_token(next_token, table_keys | set(index.Meta.attributes)),
    )
    items = list(results)
    return items, encode_token(results.last_evaluated_key)


def scan_page(model: Any, condition: Any, limit: int, next_token: str | None) -> tuple[list[Any], str | None]:
    """One page of every item of the table (an admin's unfiltered list), with an optional filter."""
    table_keys = {k for k in (model._hash_keyname, model._range_keyname) if k}
    results = model.scan(
        filter_condition=condition,
        limit=limit,
        page_size=limit,
        last_evaluated_key=decode_token(next_token, table_keys),
    )
    items = list(results)
    return items, encode_token(results.last_evaluated_key)


BATCH_WRITE_LIMIT = 25  # items per BatchWriteItem


def batch_put(
    model: Any,
    items: list[Any],
    *,
    max_attempts: int = 12,
    base_delay: float = 0.02,
    max_delay: float = 2.0,
    sleep: Any = None,
) -> int:
    """Put ``items`` (pynamodb model instances of ``model``) with BatchWriteItem, 25 at a time.

    For bulk loads where no invariant needs a condition or a transaction. ``UnprocessedItems`` and
    throttling errors are retried with exponential backoff and full jitter (pynamodb's own batch
    writer retries at once, with no backoff); after ``max_attempts`` the call raises. Returns the
    number of DynamoDB requests made (for throughput reports)."""
    import random
    import time

    from botocore.exceptions import ClientError

    from hexa_shared.aws import bulk_client

    pause = sleep or time.sleep
    dynamodb, table, requests = bulk_client("dynamodb"), model.Meta.table_name, 0
    for start in range(0, len(items), BATCH_WRITE_LIMIT):
        pending = [
            {"PutRequest": {"Item": item.serialize()}} for item in items[start : start + BATCH_WRITE_LIMIT]
        ]
        for attempt in range(max_attempts):
            requests += 1
            try:
                pending = (
                    dynamodb.batch_write_item(RequestItems={table: pending})
                    .get("UnprocessedItems", {})
                    .get(table, [])
                )
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                if code not in (
                    "ProvisionedThroughputExceededException",
                    "ThrottlingException",
                    "RequestLimitExceeded",
                    "InternalServerError",
                ):
                    raise
            if not pending:
                break
            pause(random.uniform(0, min(max_delay, base_delay * 2**attempt)))
        else:
            raise RuntimeError(
                f"{len(pending)} item(s) of {table} still unprocessed after {max_attempts} attempts"
            )
    return requests
