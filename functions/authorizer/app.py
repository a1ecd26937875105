"""``AuthorizerFunction``: the API's Lambda TOKEN authorizer, so a call without a valid JWT never invokes
a function (the functions check the token again: defence in depth, and the only check of a cached
token's expiry).

The same verifier as the functions (:func:`hexa_shared.auth.verifier_from_env`: the stack's key from
Secrets Manager, its issuer and audience). A valid token gets an *Allow* on every route of the API's
stage, so API Gateway's cache (``ReauthorizeEvery``) serves the token's next calls on any route; the
principal travels in the authorizer context (``role``, ``partner_id``). An invalid one gets a *Deny*
whose context carries the reason, which the API's ``ACCESS_DENIED`` gateway response turns into the
usual 401 error body. A missing header never reaches this function (API Gateway answers 401 itself).
An error of ours (the key unreadable) raises: API Gateway answers 500, nothing is let through.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from hexa_shared.auth import TokenVerifier, verifier_from_env
from hexa_shared.errors import Unauthorized
from hexa_shared.observability import logger

log = logger("authorizer")

_UNSAFE = re.compile(
    r'["\\\x00-\x1f]'
)  # the reason is pasted into a JSON template: no quote, backslash or control


@functools.lru_cache(maxsize=None)
def _verifier() -> TokenVerifier:
    return verifier_from_env()


def authorize(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """API Gateway TOKEN authorizer event (``authorizationToken``, ``methodArn``) -> IAM policy."""
    method_arn = str(event.get("methodArn", ""))
    try:
        principal = _verifier().principal(event.get("authorizationToken"))
    except Unauthorized as refused:
        reason = _UNSAFE.sub("'", refused.message)[:200]
        log.info("token refused", extra={"reason": reason, "method_arn": method_arn})
        return _policy("anonymous", "Deny", method_arn, {"error": reason})
    return _policy(
        principal.subject,
        "Allow",
        stage_wildcard(method_arn),
        {"role": principal.role, "partner_id": principal.partner_id or ""},
    )


def stage_wildcard(method_arn: str) -> str:
    """``arn:…:api/stage/GET/partners/x`` -> ``arn:…:api/stage/*``: every method and path of the stage."""
    arn, _, path = method_arn.partition(":execute-api:")
    parts = path.split("/")
    return f"{arn}:execute-api:{'/'.join(parts[:2])}/*" if len(parts) >= 2 else method_arn


def _policy(principal_id: str, effect: str, resource: str, context: dict[str, str]) -> dict[str, Any]:
    return {
        "principalId": principal_id,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
        },
        "context": context,
    }
