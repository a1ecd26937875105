"""OpenAPI 3.1 from the routes' own pydantic models: requests, responses and errors.

:class:`Operation` is what ``HttpApi.route`` records; :func:`document` turns a context's operations
into its spec and :func:`merge` joins the contexts' specs into the one the API Gateway serves.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from hexa_shared.http.views import ErrorBody

REF = "#/components/schemas/{model}"
PATH_PARAM = re.compile(r"{(\w+)}")
ERROR_TEXT = {
    400: "Malformed request (JSON, If-Match or next_token)",
    401: "Missing or invalid bearer token",
    403: "The token's role may not do this",
    404: "Unknown, or not visible to this token",
    409: "Conflicts with the resource's state or a concurrent change",
    412: "If-Match names a version the resource has moved past",
    413: "Body larger than 64 KiB",
    415: "Content-Type is neither application/json nor text/plain",
    422: "A field failed validation (details name it)",
    500: "Internal error (quote the X-Correlation-Id)",
}


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    operation_id: str
    summary: str
    status: int = 200
    public: bool = False
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    if_match: bool = False
    tags: tuple[str, ...] = field(default_factory=tuple)
    headers: tuple[tuple[str, str], ...] = ()  # (name, description) of success-only response headers

    @property
    def path_params(self) -> list[str]:
        return PATH_PARAM.findall(self.path)

    def error_statuses(self) -> list[int]:
        if self.public:
            return [415, 500]  # Chalice refuses a Content-Type other than JSON or text on every route
        statuses = {400, 401, 403, 404, 415, 422, 500}
        if self.body is not None:
            statuses.add(413)
        if self.method != "GET":
            statuses.add(409)
        if self.if_match:
            statuses.add(412)
        return sorted(statuses)


def document(
    title: str, version: str, operations: Iterable[Operation], description: str = ""
) -> dict[str, Any]:
    operations = list(operations)
    refs, schemas = _schemas(operations)
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, refs, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version, "description": description},
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
        "security": [{"bearerAuth": []}],
    }


def merge(title: str, version: str, documents: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """One document from several; a component name two contexts define differently is renamed."""
    merged = {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": {},
        "components": {"schemas": {}, "securitySchemes": {}},
        "security": [{"bearerAuth": []}],
    }
    for doc in documents:
        doc = copy.deepcopy(doc)
        prefix = re.sub(r"\W", "", doc["info"]["title"].title())
        doc, renames = _without_clashes(doc, merged["components"]["schemas"], prefix)
        for name, schema in doc["components"]["schemas"].items():
            merged["components"]["schemas"][renames.get(name, name)] = schema
        merged["components"]["securitySchemes"].update(doc["components"].get("securitySchemes", {}))
        for path, item in doc["paths"].items():
            clash = set(item) & set(merged["paths"].get(path, {}))
            if clash:
                raise ValueError(f"{sorted(clash)} {path} is declared by two contexts")
            merged["paths"].setdefault(path, {}).update(item)
    merged["paths"] = dict(sorted(merged["paths"].items()))
    merged["components"]["schemas"] = dict(sorted(merged["components"]["schemas"].items()))
    return merged


def _without_clashes(
    doc: dict[str, Any], taken: dict[str, Any], prefix: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """Rename the components that differ from a same-named one already merged, until none does:
    renaming ``Item`` changes every schema that refers to it, which may then clash in turn."""
    renames: dict[str, str] = {}
    while True:
        renamed = _rename_refs(doc, renames) if renames else doc
        clashes = {
            name: f"{prefix}{name}"
            for name, schema in renamed["components"]["schemas"].items()
            if name not in renames and taken.get(name, schema) != schema
        }
        if not clashes:
            return renamed, renames
        renames.update(clashes)


def _schemas(operations: list[Operation]) -> tuple[dict[Any, dict[str, Any]], dict[str, Any]]:
    wanted = {(model, "validation") for op in operations for model in (op.body, op.query) if model}
    wanted |= {(op.response, "serialization") for op in operations if op.response}
    wanted.add((ErrorBody, "serialization"))
    refs, top = models_json_schema(
        sorted(wanted, key=lambda pair: (pair[0].__name__, pair[1])), ref_template=REF
    )
    return refs, top.get("$defs", {})


def _operation(op: Operation, refs: dict[Any, dict[str, Any]], schemas: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "tags": list(op.tags),
        "parameters": _parameters(op, refs, schemas),
        "responses": _responses(op, refs),
    }
    if op.public:
        spec["security"] = []
    if op.body is not None:
        spec["requestBody"] = {
            "required": bool(_definition(op.body, "validation", refs, schemas).get("required")),
            "content": {"application/json": {"schema": refs[(op.body, "validation")]}},
        }
    return spec


def _parameters(
    op: Operation, refs: dict[Any, dict[str, Any]], schemas: dict[str, Any]
) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
        for name in op.path_params
    ]
    if op.query is not None:
        definition = _definition(op.query, "validation", refs, schemas)
        required = set(definition.get("required", []))
        for name, schema in definition.get("properties", {}).items():
            params.append(
                {"name": name, "in": "query", "required": name in required, "schema": _without_null(schema)}
            )
    if op.if_match:
        params.append(
            {
                "name": "If-Match",
                "in": "header",
                "required": False,
                "description": "the version (ETag) the change is based on; 412 if the contract moved on",
                "schema": {"type": "string", "pattern": r'^(W/)?"?[0-9]+"?$'},
            }
        )
    return params


CORRELATION_ID_DOC = {
    "X-Correlation-Id": {
        "description": "the request's correlation id "
        "(the caller's X-Correlation-Id if it was plain, else a new one)",
        "schema": {"type": "string"},
    }
}


def _responses(op: Operation, refs: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    success: dict[str, Any] = {
        "description": "No content" if op.status == 204 else "OK",
        "headers": {
            **CORRELATION_ID_DOC,
            **{
                name: {"description": text, "required": True, "schema": {"type": "string"}}
                for name, text in op.headers
            },
        },
    }
    if op.response is not None and op.status != 204:
        success["content"] = {"application/json": {"schema": refs[(op.response, "serialization")]}}
    responses = {str(op.status): success}
    error = {"application/json": {"schema": refs[(ErrorBody, "serialization")]}}
    for status in op.error_statuses():
        responses[str(status)] = {"description": ERROR_TEXT[status], "content": error}
        if status != 415:  # Chalice's own 415 is answered before our code runs
            responses[str(status)]["headers"] = CORRELATION_ID_DOC
    return responses


def _definition(
    model: type[BaseModel], mode: str, refs: dict[Any, dict[str, Any]], schemas: dict[str, Any]
) -> dict[str, Any]:
    return schemas[refs[(model, mode)]["$ref"].rsplit("/", 1)[1]]


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent or a value: ``Optional[X] = None`` documents as plain X."""
    schema = {k: v for k, v in schema.items() if not (k == "default" and v is None)}
    options = [s for s in schema.get("anyOf", []) if s != {"type": "null"}]
    if "anyOf" in schema and len(options) == 1:
        rest = {k: v for k, v in schema.items() if k != "anyOf"}
        return {**options[0], **rest}
    return schema


def _rename_refs(doc: dict[str, Any], renames: dict[str, str]) -> dict[str, Any]:
    text = json.dumps(doc)
    for old, new in renames.items():
        text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
    return json.loads(text)
