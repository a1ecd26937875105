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

__all__ = ["Resource", "Route", "RouteTable", "routes_from_template"]


class Route(NamedTuple):
    """One ``Type: Api`` event: ``(method, path, function logical id)`` plus its API and stage."""

    method: str
    path: str
    function: str
    api_id: str = ""
    stage: str = "Prod"


def routes_from_template(template: Template, resources: ResourceMap) -> list[Route]:
    """Every Api event of every function; the same method+path twice is a template error."""
    routes: list[Route] = []
    seen: dict[tuple[str, str], str] = {}
    for lid, event_name, event in template.function_events("Api"):
        where = f"{lid}.Properties.Events.{event_name}.Properties"
        props = event.get("Properties") or {}
        path = str(template.resolve(props.get("Path"), resources, where=f"{where}.Path"))
        method = str(template.resolve(props.get("Method"), resources, where=f"{where}.Method")).upper()
        api_ref = props.get("RestApiId", {"Ref": "ServerlessRestApi"})
        api_lid = api_ref.get("Ref") if isinstance(api_ref, dict) else None
        api_id = str(template.resolve(api_ref, resources, where=f"{where}.RestApiId"))
        stage = "Prod"
        if api_lid in template.resources:
            stage = str(template.resolve(template.properties(api_lid).get("StageName", "Prod"), resources,
                                         where=f"{api_lid}.Properties.StageName"))
        key = (method, _normalise(path))
        if key in seen:
            raise TemplateError(f"{where}: {method} {path} is also routed to {seen[key]}")
        seen[key] = lid
        routes.append(Route(method, path, lid, api_id, stage))
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
    return [Resource(path, tuple(s for s in path.split("/") if s), methods) for path, methods in by_path.items()]


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
