"""The local API Gateway's routing table: the template's ``Type: Api`` events, matched like API Gateway.

The most specific resource wins: a literal segment beats ``{param}``, which beats ``{proxy+}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import unquote

from .resources import ResourceMap
from .template import Template, TemplateError

__all__ = ["OPEN", "Resource", "Route", "RouteTable", "routes_from_template", "served_api"]

OPEN = "NONE"
"""An event's ``Auth: {Authorizer: NONE}``: the route is open whatever the API's default authorizer."""


class Route(NamedTuple):
    """One ``Type: Api`` event: ``(method, path, function logical id)`` plus its API, stage and authorizer
    (the event's ``Auth.Authorizer``, else the API's ``DefaultAuthorizer``; ``None`` = open)."""

    method: str
    path: str
    function: str
    api_id: str = ""
    stage: str = "Prod"
    authorizer: str | None = None
    api: str = "ServerlessRestApi"


def _api_of(props: dict) -> str | None:
    api_ref = props.get("RestApiId", {"Ref": "ServerlessRestApi"})
    return api_ref.get("Ref") if isinstance(api_ref, dict) else None


def served_api(template: Template) -> str | None:
    """The API the local gateway serves: the first one (template order, SAM's implicit one first) that
    has routes. One port serves one API, as one ``execute-api`` host does."""
    used = [_api_of(event.get("Properties") or {}) for _, _, event in template.function_events("Api")]
    declared = ["ServerlessRestApi", *template.resources]
    return next((lid for lid in declared if lid in used), None)


def routes_from_template(template: Template, resources: ResourceMap, api: str | None = None) -> list[Route]:
    """Every Api event of ``api`` (default :func:`served_api`); the same method+path twice is a template
    error."""
    api = api or served_api(template)
    routes: list[Route] = []
    seen: dict[tuple[str, str], str] = {}
    for lid, event_name, event in template.function_events("Api"):
        where = f"{lid}.Properties.Events.{event_name}.Properties"
        props = event.get("Properties") or {}
        api_lid = _api_of(props)
        if api_lid != api:
            continue
        path = str(template.resolve(props.get("Path"), resources, where=f"{where}.Path"))
        method = str(template.resolve(props.get("Method"), resources, where=f"{where}.Method")).upper()
        api_id = str(
            template.resolve(
                props.get("RestApiId", {"Ref": "ServerlessRestApi"}), resources, where=f"{where}.RestApiId"
            )
        )
        stage, default_auth = "Prod", None
        if api_lid in template.resources:
            api_props = template.properties(api_lid)
            stage = str(
                template.resolve(
                    api_props.get("StageName", "Prod"), resources, where=f"{api_lid}.Properties.StageName"
                )
            )
            default_auth = (api_props.get("Auth") or {}).get("DefaultAuthorizer")
        authorizer = (props.get("Auth") or {}).get("Authorizer", default_auth)
        key = (method, _normalise(path))
        if key in seen:
            raise TemplateError(f"{where}: {method} {path} is also routed to {seen[key]}")
        seen[key] = lid
        routes.append(
            Route(
                method,
                path,
                lid,
                api_id,
                stage,
                None if authorizer in (None, OPEN) else str(authorizer),
                str(api_lid),
            )
        )
    return routes


def _normalise(path: str) -> str:
    return "/" + path.strip("/")


@dataclass(frozen=True)
class Resource:
    """A template path compiled for matching, with its routes by method."""

    path: str
    segments: tuple[str, ...]
    methods: Mapping[str, Route]

    def match(self, parts: list[str]) -> tuple[tuple[int, ...], dict[str, str]] | None:
        """(specificity key, path parameters) if ``parts`` match; lower keys are more specific."""
        params: dict[str, str] = {}
        rank: list[int] = []
        for i, segment in enumerate(self.segments):
            if segment.startswith("{") and segment.endswith("+}"):
                if i >= len(parts):
                    return None
                params[segment[1:-2]] = unquote("/".join(parts[i:]))
                return tuple([*rank, 2]), params
            if i >= len(parts):
                return None
            if segment.startswith("{") and segment.endswith("}"):
                params[segment[1:-1]] = unquote(parts[i])
                rank.append(1)
            elif unquote(parts[i]) == segment:
                rank.append(0)
            else:
                return None
        if len(parts) != len(self.segments):
            return None
        return tuple(rank), params


def _compile(routes: list[Route]) -> list[Resource]:
    by_path: dict[str, dict[str, Route]] = {}
    for route in routes:
        by_path.setdefault(_normalise(route.path), {})[route.method] = route
    return [
        Resource(path, tuple(s for s in path.split("/") if s), methods) for path, methods in by_path.items()
    ]


class RouteTable:
    def __init__(self, routes: list[Route]) -> None:
        self._resources = _compile(routes)

    def match(self, parts: list[str]) -> tuple[Resource | None, dict[str, str]]:
        """The most specific resource matching the path segments, and its path parameters."""
        best: tuple[tuple[int, ...], Resource, dict[str, str]] | None = None
        for resource in self._resources:
            found = resource.match(parts)
            if found is not None and (best is None or found[0] < best[0]):
                best = (found[0], resource, found[1])
        return (best[1], best[2]) if best else (None, {})
