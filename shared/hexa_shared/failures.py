"""Is a failure worth retrying? Transient ones are; everything else is deterministic and is not.

A stream record that failed because a table throttled, an endpoint was unreachable or another writer won a
version race (the adapter raises a ``Conflict`` for that) will succeed on a retry, and must be retried *in
order*. A record that failed because it is malformed, or its event breaks its schema, fails the same way
forever: retrying it only holds back the records behind it. The list below is the transient side, on
purpose: an error nobody foresaw is parked (kept, alarmed, redrivable), never allowed to block a stream.
"""

from __future__ import annotations

from typing import Iterator

from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from hexa_shared.errors import Conflict

TRANSIENT_AWS_CODES = frozenset(
    {  # a failed condition is not here: an adapter that expects a race says so
        "TransactionConflictException",
        "TransactionInProgressException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "TooManyRequestsException",
        "InternalServerError",
        "InternalFailure",
        "InternalException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
        "LimitExceededException",
        "KMSThrottlingException",
    }
)
TRANSIENT_NAMES = frozenset(
    {  # by name: shared code must not import every client library
        "PublishError",
        "ConnectionError",
        "ConnectionTimeout",
        "ConnectTimeout",
        "ReadTimeout",
        "Timeout",
        "OperationalError",  # sqlite: database is locked
    }
)


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        cause = getattr(current, "cause", None)  # pynamodb keeps botocore's error here
        current = cause if isinstance(cause, BaseException) else (current.__cause__ or current.__context__)


def is_transient(error: BaseException) -> bool:
    for link in _chain(error):
        if isinstance(link, Conflict):
            return True
        if isinstance(link, ClientError):
            response = link.response or {}
            code = response.get("Error", {}).get("Code", "")
            status = response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if code in TRANSIENT_AWS_CODES or status >= 500:
                return True
            if code == "TransactionCanceledException":
                reasons = {r.get("Code") for r in response.get("CancellationReasons") or [] if r}
                return bool(
                    reasons & {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}
                )
        if isinstance(link, BotoCoreError) and not isinstance(link, ParamValidationError):
            return True  # connection refused/reset, timeouts, no endpoint
        if type(link).__name__ in TRANSIENT_NAMES or isinstance(link, (ConnectionError, TimeoutError)):
            return True
        status = getattr(link, "status_code", None)  # opensearch-py TransportError
        if isinstance(status, int) and (status == 429 or status >= 500):
            return True
    return False


def describe(error: BaseException) -> str:
    """``ExceptionType: message``, bounded; our errors name fields and ids, never personal values."""
    return f"{type(error).__name__}: {error}"[:1000]
