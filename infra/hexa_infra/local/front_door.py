"""What API Gateway does before it invokes a function, read from the template: throttling, the Lambda
TOKEN authorizer and the gateway responses that answer for both.

* Throttling: the stage's ``MethodSettings`` entry for ``/*`` ``*`` (``ThrottlingRateLimit``,
  ``ThrottlingBurstLimit``) as a token bucket; an empty bucket is ``THROTTLED`` (429).
* Authorizers (``Auth.Authorizers``, ``FunctionPayloadType: TOKEN``): no identity header is
  ``UNAUTHORIZED`` without invoking the authorizer; otherwise the authorizer function gets
  ``{"type": "TOKEN", "authorizationToken", "methodArn"}`` and its policy decides: an Allow covering
  the method ARN passes (its ``principalId`` and ``context`` become ``requestContext.authorizer``), a
  Deny or no Allow is ``ACCESS_DENIED``, ``raise Exception("Unauthorized")`` is ``UNAUTHORIZED``, any
  other failure ``AUTHORIZER_FAILURE``. A policy is cached per token for ``ReauthorizeEvery`` seconds
  and checked again against each call's method ARN, as API Gateway does.
* Gateway responses (``GatewayResponses``): status, ``ResponseParameters.Headers`` (quoted literals)
  and the ``application/json`` template with ``$context.authorizer.*``, ``$context.error.*`` and
  ``$context.requestId`` filled in; API Gateway's own defaults otherwise.
Not emulated: REQUEST authorizers, Cognito, API keys and usage plans, per-method settings.
"""

from __future__ import annotations

import fnmatch
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .functions import LocalFunction
from .resources import ResourceMap
from .routing import Route
from .template import Template, TemplateError

__all__ = ["Admitted", "FrontDoor", "Refused", "front_door_from_template"]

log = logging.getLogger("hexa.local.front_door")

_DEFAULTS = {  # API Gateway's own answers when the API declares none
    "UNAUTHORIZED": (401, {"message": "Unauthorized"}),
    "ACCESS_DENIED": (403, {"message": "User is not authorized to access this resource"}),
    "AUTHORIZER_FAILURE": (500, {"message": None}),
    "THROTTLED": (429, {"message": "Too Many Requests"}),
}
_VARIABLE = re.compile(r"\$context\.([A-Za-z0-9_.]+)")


@dataclass(frozen=True)
class Refused:
    """API Gateway answers itself: ``(status, headers, body)``."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass(frozen=True)
class Admitted:
    """Go on to the function, with this ``requestContext.authorizer`` (None on an open route)."""

    authorizer: dict[str, Any] | None = None


@dataclass(frozen=True)
class GatewayResponse:
    status: int
    headers: Mapping[str, str]
    template: str

    def render(self, variables: Mapping[str, str]) -> Refused:
        body = _VARIABLE.sub(lambda m: str(variables.get(m.group(1), "")), self.template)
        return Refused(
            self.status, [("Content-Type", "application/json"), *self.headers.items()], body.encode()
        )


@dataclass(frozen=True)
class TokenAuthorizer:
    name: str
    function: str
    header: str
    ttl: float


class TokenBucket:
    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self._clock = rate, burst, clock
        self._tokens, self._at = float(burst), clock()
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            now = self._clock()
            self._tokens = min(float(self.burst), self._tokens + (now - self._at) * self.rate)
            self._at = now
            if self._tokens < 1:
                return False
            self._tokens -= 1
            return True


@dataclass
class FrontDoor:
    """One API's throttle, authorizers and gateway responses."""

    region: str
    account_id: str
    authorizers: dict[str, TokenAuthorizer] = field(default_factory=dict)
    responses: dict[str, GatewayResponse] = field(default_factory=dict)
    bucket: TokenBucket | None = None
    functions: Mapping[str, LocalFunction] = field(default_factory=dict)
    _cache: dict[tuple[str, str], tuple[float, dict[str, Any]]] = field(default_factory=dict)
    _cache_lock: threading.Lock = field(default_factory=threading.Lock)

    def admit(
        self,
        route: Route | None,
        method: str,
        path: str,
        header: Callable[[str], str | None],
        request_id: str,
    ) -> Admitted | Refused:
        """Throttle (every request of the stage), then the route's authorizer (if any)."""
        if self.bucket is not None and not self.bucket.take():
            return self.refuse("THROTTLED", request_id)
        if route is None or route.authorizer is None:
            return Admitted()
        authorizer = self.authorizers[route.authorizer]  # every route's is declared (require)
        token = header(authorizer.header)
        if not token:
            return self.refuse("UNAUTHORIZED", request_id)
        method_arn = (
            f"arn:aws:execute-api:{self.region}:{self.account_id}:{route.api_id}/{route.stage}/{method}{path}"
        )
        try:
            policy = self._policy(authorizer, token, method_arn)
        except Exception as failure:  # noqa: BLE001 - the authorizer's failure is API Gateway's answer
            if str(failure) == "Unauthorized":
                return self.refuse("UNAUTHORIZED", request_id)
            log.warning("authorizer %s failed: %s", authorizer.function, failure)
            return self.refuse("AUTHORIZER_FAILURE", request_id, error="Authorizer error")
        details = {"principalId": policy.get("principalId"), **(policy.get("context") or {})}
        if not _allows(policy.get("policyDocument") or {}, method_arn):
            return self.refuse("ACCESS_DENIED", request_id, authorizer=details)
        return Admitted(details)

    def require(self, routes: list[Route]) -> None:
        """Every route's authorizer is declared on its API: a template error at start-up, not at a request."""
        for route in routes:
            if route.authorizer is not None and route.authorizer not in self.authorizers:
                raise TemplateError(
                    f"{route.function}: authorizer {route.authorizer!r} is not declared (as a TOKEN "
                    f"authorizer) on {route.api}"
                )

    def refuse(
        self,
        kind: str,
        request_id: str,
        *,
        error: str | None = None,
        authorizer: Mapping[str, Any] | None = None,
    ) -> Refused:
        response = self.responses.get(kind)
        if response is None:
            status, body = _DEFAULTS[kind]
            response = GatewayResponse(status, {}, json.dumps(body))
        variables = {
            "requestId": request_id,
            "error.responseType": kind,
            "error.message": error or _DEFAULTS[kind][1]["message"] or "",
            **{f"authorizer.{k}": "" if v is None else str(v) for k, v in (authorizer or {}).items()},
        }
        return response.render(variables)

    def _policy(self, authorizer: TokenAuthorizer, token: str, method_arn: str) -> dict[str, Any]:
        key = (authorizer.name, token)
        now = time.monotonic()
        with self._cache_lock:
            cached = self._cache.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        policy = self.functions[authorizer.function].invoke(
            {"type": "TOKEN", "authorizationToken": token, "methodArn": method_arn}
        )
        if not isinstance(policy, dict) or "policyDocument" not in policy:
            raise ValueError(f"malformed authorizer response ({type(policy).__name__})")
        if authorizer.ttl > 0:
            with self._cache_lock:
                if len(self._cache) > 10_000:
                    self._cache.clear()
                self._cache[key] = (now + authorizer.ttl, policy)
        return policy


def _allows(document: Mapping[str, Any], method_arn: str) -> bool:
    """IAM's rule for execute-api: an explicit Deny wins, else some Allow must cover the ARN."""
    allowed = False
    for statement in _listed(document.get("Statement")):
        resources = _listed(statement.get("Resource"))
        if not any(fnmatch.fnmatchcase(method_arn, str(r)) for r in resources):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def front_door_from_template(
    template: Template, resources: ResourceMap, api: str | None, functions: Mapping[str, LocalFunction]
) -> FrontDoor:
    """The served API's front door: its (Globals-merged) Auth, GatewayResponses and MethodSettings."""
    door = FrontDoor(template.region, template.account_id, functions=functions)
    if api is None or api not in template.resources:
        return door
    props = template.properties(api)
    where = f"{api}.Properties"
    for name, spec in ((props.get("Auth") or {}).get("Authorizers") or {}).items():
        payload = spec.get("FunctionPayloadType", "TOKEN")
        if payload != "TOKEN":
            log.warning(
                "%s.Auth.Authorizers.%s: %s authorizers are not emulated (a route using one stops start-up)",
                api,
                name,
                payload,
            )
            continue
        target = spec.get("FunctionArn")
        function = target["Fn::GetAtt"][0] if isinstance(target, dict) and "Fn::GetAtt" in target else None
        if function not in functions:
            raise TemplateError(
                f"{where}.Auth.Authorizers.{name}.FunctionArn must be !GetAtt <a function>.Arn"
            )
        identity = spec.get("Identity") or {}
        ttl = float(
            template.resolve(
                identity.get("ReauthorizeEvery", 300),
                resources,
                where=f"{where}.Auth.Authorizers.{name}.Identity.ReauthorizeEvery",
            )
        )
        door.authorizers[name] = TokenAuthorizer(
            name, function, str(identity.get("Header", "Authorization")), ttl
        )
    for kind, spec in (props.get("GatewayResponses") or {}).items():
        headers = {
            k: str(v).strip("'")
            for k, v in ((spec.get("ResponseParameters") or {}).get("Headers") or {}).items()
        }
        default_status, default_body = _DEFAULTS.get(kind, (500, {"message": None}))
        body = (spec.get("ResponseTemplates") or {}).get("application/json") or json.dumps(default_body)
        status = int(
            template.resolve(
                spec.get("StatusCode", default_status),
                resources,
                where=f"{where}.GatewayResponses.{kind}.StatusCode",
            )
        )
        door.responses[kind] = GatewayResponse(status, headers, str(body))
    for setting in props.get("MethodSettings") or []:
        if (
            setting.get("ResourcePath") == "/*"
            and setting.get("HttpMethod") == "*"
            and ("ThrottlingRateLimit" in setting or "ThrottlingBurstLimit" in setting)
        ):
            rate = float(
                template.resolve(
                    setting.get("ThrottlingRateLimit", 10000),
                    resources,
                    where=f"{where}.MethodSettings.ThrottlingRateLimit",
                )
            )
            burst = int(
                float(
                    template.resolve(
                        setting.get("ThrottlingBurstLimit", 5000),
                        resources,
                        where=f"{where}.MethodSettings.ThrottlingBurstLimit",
                    )
                )
            )
            door.bucket = TokenBucket(rate, burst)
    return door
