"""``HttpApi``: registers Chalice routes that authenticate, parse, and map every failure to JSON.

A route declares its request body, query and response models; they validate the request, check the
answer and generate the OpenAPI document (:mod:`hexa_shared.http.openapi`). A view receives a
:class:`RequestContext` (principal, correlation id, parsing of the declared models) plus the path
parameters, and returns a JSON-able body, a :class:`Reply` (body + headers) or a ``chalice.Response``.
Whatever it raises becomes DESIGN.md's error body: :class:`~hexa_shared.errors.HexaError` with its own
status, anything else a logged 500 ``internal_error`` (no stack trace leaves the service).

Before any model sees it, a body is parsed strictly (:mod:`hexa_shared.strict_json`: no ``NaN``, no
``Infinity``, no number out of range, no duplicate key, at most 32 levels deep → 400) and every string
in it, keys included, is checked for control characters and broken Unicode (→ 422 naming the field).
``next_token`` is signed on the way out and checked on the way in (:class:`CursorSigner`).
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from chalice import Chalice, Response
from pydantic import BaseModel, ValidationError

from hexa_shared import metrics, strict_json
from hexa_shared.auth import Principal, TokenVerifier, signing_key_from_env, verifier_from_env
from hexa_shared.clock import new_id
from hexa_shared.errors import FieldIssue, HexaError, InvalidInput, MalformedRequest
from hexa_shared.formats import text_problem
from hexa_shared.http.openapi import Operation, document
from hexa_shared.http.pagination import CursorSigner
from hexa_shared.http.responses import CHALICE_CODES, error_body, error_response, json_response
from hexa_shared.observability import CORRELATION_HEADER, bound_correlation_id, logger, safe_correlation_id

M = TypeVar("M", bound=BaseModel)
MAX_BODY_BYTES = 64 * 1024


def validation_issues(error: ValidationError) -> list[FieldIssue]:
    return [FieldIssue(".".join(str(p) for p in e["loc"]) or "(body)", e["msg"]) for e in error.errors()]


class UndeclaredInput(TypeError):
    """A view parsed something its route does not declare (the spec would lie): a bug, so a 500."""


@dataclass(frozen=True)
class Reply:
    """A body plus headers (e.g. ``ETag``); the body is checked against the route's response model."""

    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def text_issues(value: Any, path: str = "") -> list[FieldIssue]:
    """Every string (and key) of a parsed body or query that is not acceptable text, by field path."""
    issues: list[FieldIssue] = []
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, str):
            problem = text_problem(node)
            if problem:
                issues.append(FieldIssue(where or "(body)", problem))
        elif isinstance(node, dict):
            for key, child in node.items():
                field = f"{where}.{key}" if where else str(key)
                if text_problem(key):
                    issues.append(FieldIssue(where or "(body)", f"has a key that {text_problem(key)}"))
                    field = f"{where}.(key)" if where else "(key)"
                stack.append((child, field))
        elif isinstance(node, list):
            stack.extend((child, f"{where}.{i}") for i, child in enumerate(node))
    return sorted(issues, key=lambda issue: issue.field)


@dataclass
class RequestContext:
    raw: Any  # chalice.app.Request
    principal: Principal
    correlation_id: str
    operation: Operation
    cursors: CursorSigner | None = None

    def _declared(self, kind: str, model: Any) -> None:
        if getattr(self.operation, kind) is not model:
            raise UndeclaredInput(
                f"{self.operation.method} {self.operation.path} reads a {kind} "
                f"{getattr(model, '__name__', model)} it does not declare"
            )

    def body(self, model: type[M]) -> M:
        self._declared("body", model)
        raw = self.raw.raw_body or b""
        if len(raw) > MAX_BODY_BYTES:
            raise MalformedRequest(
                f"body larger than {MAX_BODY_BYTES} bytes", [FieldIssue("(body)", "too large")]
            )
        try:
            data = strict_json.loads(raw or b"{}")
        except strict_json.JsonRejected as exc:
            raise MalformedRequest(
                f"body is not acceptable JSON: {exc}", [FieldIssue("(body)", str(exc))]
            ) from None
        if not isinstance(data, dict):
            raise InvalidInput("body must be a JSON object", [FieldIssue("(body)", "must be a JSON object")])
        _refuse_bad_text(data)
        return _validate(model, data)

    def query(self, model: type[M]) -> M:
        self._declared("query", model)
        params = dict(self.raw.query_params or {})
        _refuse_bad_text(params)
        if params.get("next_token") and self.cursors is not None:
            params["next_token"] = self.cursors.unwrap(params["next_token"])
        return _validate(model, params)

    def if_match(self) -> int | None:
        """``If-Match: 3`` or ``If-Match: "3"`` → 3; absent → None; anything else → 400."""
        self._declared("if_match", True)
        value = (self.raw.headers or {}).get("if-match")
        if value is None:
            return None
        text = value.strip().removeprefix("W/").strip('"')
        if not text.isdigit():
            raise MalformedRequest(
                "If-Match must be a version number", [FieldIssue("If-Match", "not a version")]
            )
        return int(text)


def _refuse_bad_text(data: dict[str, Any]) -> None:
    issues = text_issues(data)
    if issues:
        raise InvalidInput("; ".join(f"{i.field}: {i.issue}" for i in issues[:10]), issues[:10])


def _validate(model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        issues = validation_issues(exc)
        raise InvalidInput("; ".join(f"{i.field}: {i.issue}" for i in issues), issues) from None


class AnswerBreaksContract(Exception):
    """The view's answer does not match its route's response model: a bug, answered as a 500."""


def _check_answer(operation: Operation, result: Any) -> None:
    assert operation.response is not None
    try:
        operation.response.model_validate(result)
    except ValidationError as error:  # only where and what kind: the values may be personal data
        where = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(body)'}: {e['type']}" for e in error.errors())
        raise AnswerBreaksContract(
            f"{operation.method} {operation.path} answer breaks {operation.response.__name__}: {where}"
        ) from None


class HttpApi:
    def __init__(
        self,
        app: Chalice,
        service: str,
        verifier: Callable[[], TokenVerifier] = verifier_from_env,
        signing_key: Callable[[], Callable[[], str]] = lambda: signing_key_from_env(),
    ) -> None:
        self.app = app
        self.service = service
        self.log = logger(service)
        self.operations: list[Operation] = []
        self._verifier_factory = verifier
        self._signing_key_factory = signing_key
        app.register_middleware(self._translate_chalice_errors, "http")

    @functools.cached_property
    def verifier(self) -> TokenVerifier:
        return self._verifier_factory()

    @functools.cached_property
    def cursors(self) -> CursorSigner:
        return CursorSigner(self._signing_key_factory())

    def route(
        self,
        path: str,
        methods: list[str],
        *,
        public: bool = False,
        status: int = 200,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: type[BaseModel] | None = None,
        if_match: bool = False,
        headers: dict[str, str] | None = None,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def register(view: Callable[..., Any]) -> Callable[..., Any]:
            summary = (view.__doc__ or view.__name__.replace("_", " ")).strip().splitlines()[0]
            for method in methods:
                operation = Operation(
                    path=path,
                    method=method,
                    operation_id=f"{self.service}.{view.__name__}",
                    summary=summary,
                    status=status,
                    public=public,
                    body=body,
                    query=query,
                    response=response,
                    if_match=if_match,
                    tags=(self.service,),
                    headers=tuple((headers or {}).items()),
                )
                self.operations.append(operation)

                @functools.wraps(view)
                def endpoint(_operation: Operation = operation, **path_params: str) -> Response:
                    return self._serve(view, path_params, _operation)

                self.app.route(path, methods=[method], content_types=["application/json", "text/plain"])(
                    endpoint
                )
            return view

        return register

    def openapi_route(self, path: str, title: str, version: str, description: str = "") -> None:
        """Serve this context's OpenAPI 3.1 document at ``path`` (built once, from the declared models)."""

        @functools.lru_cache(maxsize=1)
        def spec() -> dict[str, Any]:
            return document(title, version, [op for op in self.operations if op.path != path], description)

        def openapi(_: RequestContext) -> dict[str, Any]:
            """This context's OpenAPI 3.1 document"""
            return spec()

        self.route(path, methods=["GET"])(openapi)

    def _serve(self, view: Callable[..., Any], path_params: dict[str, str], operation: Operation) -> Response:
        started = time.perf_counter()
        response = self._answer(view, path_params, operation)
        metrics.record_request(
            self.service,
            f"{operation.method} {operation.path}",
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response

    def _answer(
        self, view: Callable[..., Any], path_params: dict[str, str], operation: Operation
    ) -> Response:
        request = self.app.current_request
        fallback = (request.context or {}).get("requestId") or new_id()
        correlation_id = safe_correlation_id((request.headers or {}).get(CORRELATION_HEADER), fallback)
        headers = {"X-Correlation-Id": correlation_id}
        with bound_correlation_id(self.log, correlation_id):
            try:
                principal = (
                    Principal("anonymous", "anonymous")
                    if operation.public
                    else self.verifier.principal((request.headers or {}).get("authorization"))
                )
                result = view(
                    RequestContext(request, principal, correlation_id, operation, self.cursors), **path_params
                )
                if isinstance(result, Reply):
                    headers.update(result.headers)
                    result = result.body
                if isinstance(result, dict) and isinstance(result.get("next_token"), str):
                    result = {**result, "next_token": self.cursors.sign(result["next_token"])}
                if operation.response is not None and not isinstance(result, Response):
                    _check_answer(operation, result)
            except HexaError as error:
                if error.status >= 500:
                    self.log.exception("request failed")
                else:
                    self.log.info(
                        "request rejected",
                        extra={
                            "status": error.status,
                            "code": error.code,
                            "path": request.path,
                            "method": request.method,
                        },
                    )
                return error_response(error, headers)
            except Exception:
                self.log.exception("unhandled error", extra={"path": request.path, "method": request.method})
                return json_response(
                    error_body(
                        "internal_error",
                        f"an internal error occurred; quote the correlation id {correlation_id}",
                    ),
                    500,
                    headers,
                )
        if isinstance(result, Response):
            result.headers = {**headers, **(result.headers or {})}
            return result
        if operation.status == 204:
            return Response(body="", status_code=204, headers=headers)
        return json_response(result, operation.status, headers)

    @staticmethod
    def _translate_chalice_errors(event: Any, get_response: Callable[[Any], Response]) -> Response:
        """Chalice's own refusals (e.g. 415) come as ``{"Code", "Message"}``; speak DESIGN.md instead."""
        response = get_response(event)
        body = response.body
        if response.status_code >= 400 and isinstance(body, dict) and "Code" in body:
            code = CHALICE_CODES.get(response.status_code, "internal_error")
            return json_response(error_body(code, str(body.get("Message", ""))), response.status_code)
        return response
