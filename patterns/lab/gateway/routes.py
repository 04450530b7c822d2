"""Routes of the lab's API front door: ``"METHOD /path/{param}"`` -> a Lambda function, matched as API
Gateway matches them.

A template's segments are literals (``orders``), single-segment parameters (``{orderId}``) or, last
only, a greedy parameter (``{proxy+}``, one or more segments). When several routes match a request,
the most specific one wins, segment by segment: a literal beats a parameter, which beats a greedy
parameter; a route for the method beats one for ``ANY``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from patterns.lab.exceptions import ConfigurationError

__all__ = ["METHODS", "Route", "RouteMatch", "RouteTable"]

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "ANY"})
_PARAMETER = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_.-]*)(\+?)\}$")
_LITERAL, _PARAM, _GREEDY = 0, 1, 2  # lower is more specific


@dataclass(frozen=True)
class Route:
    """One route: a method (or ``ANY``), a path template and the function that answers it."""

    method: str
    path: str
    function: str

    def __post_init__(self) -> None:
        problems = []
        if self.method not in METHODS:
            problems.append(f"method must be one of {sorted(METHODS)}, got {self.method!r}")
        if not self.path.startswith("/"):
            problems.append(f"path must start with '/', got {self.path!r}")
        for index, segment in enumerate(self._segments()):
            kind = _segment_kind(segment)
            if kind == _GREEDY and index != len(self._segments()) - 1:
                problems.append(f"a greedy parameter must be the last segment, in {self.path!r}")
            if "{" in segment and kind == _LITERAL:
                problems.append(f"segment {segment!r} of {self.path!r} is neither a literal nor {{name}}")
        if not self.function:
            problems.append(f"route {self.key} names no function")
        if problems:
            raise ConfigurationError("; ".join(problems))

    @classmethod
    def parse(cls, route_key: str, function: str) -> Route:
        """A route from an API Gateway route key such as ``"GET /orders/{orderId}"``."""
        method, _, path = route_key.strip().partition(" ")
        if not path:
            raise ConfigurationError(f"a route key is 'METHOD /path', got {route_key!r}")
        return cls(method.upper(), path.strip(), function)

    @property
    def key(self) -> str:
        """The route key, as HTTP APIs write it: ``"GET /orders/{orderId}"``."""
        return f"{self.method} {self.path}"

    def _segments(self) -> list[str]:
        return [segment for segment in self.path.split("/") if segment]

    def match(self, method: str, path: str) -> RouteMatch | None:
        """The path parameters if this route answers ``method path``, else None."""
        if self.method not in {method, "ANY"}:
            return None
        wanted = [segment for segment in path.split("/") if segment]
        parameters: dict[str, str] = {}
        template = self._segments()
        ranks: list[int] = []
        for index, segment in enumerate(template):
            kind = _segment_kind(segment)
            if kind == _GREEDY:
                rest = wanted[index:]
                if not rest:
                    return None
                parameters[_parameter_name(segment)] = unquote("/".join(rest))
                ranks.append(_GREEDY)
                return RouteMatch(self, parameters, (*ranks, int(self.method == "ANY")))
            if index >= len(wanted):
                return None
            if kind == _PARAM:
                parameters[_parameter_name(segment)] = unquote(wanted[index])
            elif segment != wanted[index]:
                return None
            ranks.append(kind)
        if len(wanted) != len(template):
            return None
        return RouteMatch(self, parameters, (*ranks, int(self.method == "ANY")))


@dataclass(frozen=True)
class RouteMatch:
    """A route that answers a request, with the request's path parameters."""

    route: Route
    path_parameters: dict[str, str]
    specificity: tuple[int, ...]


class RouteTable:
    """The routes of one API, declared once; :meth:`resolve` finds the one that answers a request."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes: tuple[Route, ...] = tuple(routes)
        keys = [route.key for route in self.routes]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ConfigurationError(f"routes declared twice: {duplicates}")

    @classmethod
    def from_mapping(cls, routes: Mapping[str, str]) -> RouteTable:
        """Routes from ``{"GET /orders/{orderId}": "get-order", ...}``."""
        return cls(Route.parse(key, function) for key, function in routes.items())

    def resolve(self, method: str, path: str) -> RouteMatch | None:
        """The most specific route for ``method path`` (no query string), or None."""
        matches = [m for route in self.routes if (m := route.match(method.upper(), path)) is not None]
        return min(matches, key=lambda m: m.specificity, default=None)

    def functions(self) -> list[str]:
        """Every function the routes name, once each, in declaration order."""
        return list(dict.fromkeys(route.function for route in self.routes))


def _segment_kind(segment: str) -> int:
    found = _PARAMETER.match(segment)
    if found is None:
        return _LITERAL
    return _GREEDY if found.group(2) else _PARAM


def _parameter_name(segment: str) -> str:
    found = _PARAMETER.match(segment)
    assert found is not None
    return found.group(1)
