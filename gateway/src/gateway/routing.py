"""The route table: which path prefix goes to which upstream, with its edge rules.

Defaults follow docs/architecture.md; `GATEWAY_ROUTES_FILE` (YAML) replaces or extends them:

    upstreams: {usecase: "http://usecase:8001"}
    routes:
      - {prefix: /api/v1/use-cases, upstream: usecase, timeout: 10}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from servicekit.identity import Principal, PrincipalKind, Role

GATEWAY = "gateway"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_CKAN_WRITE = re.compile(r"(create|update|patch|delete|purge|upsert|reorder|_member_)")

# Edge rules: who may pass the gateway at all; the services decide the rest.
ANONYMOUS = "anonymous"
AUTHENTICATED = "authenticated"
USER = "user"  # signed-in person, not an API key
PLATFORM_ADMIN = "platform_admin"
RULES = (ANONYMOUS, AUTHENTICATED, USER, PLATFORM_ADMIN, *(f"role:{r.value}" for r in Role))


@dataclass(frozen=True)
class Route:
    prefix: str
    upstream: str
    read: str = ANONYMOUS
    write: str = AUTHENTICATED
    timeout: float | None = None
    rate_class: str = "default"
    max_body_bytes: int | None = None
    ckan: bool = False  # CKAN Action API: read/write by action name, bare key in Authorization
    exact: bool = False

    def matches(self, path: str) -> bool:
        prefix = self.prefix
        if not path.startswith(prefix):
            return False
        if len(path) == len(prefix):
            return True
        return not self.exact and (path[len(prefix)] == "/" or prefix.endswith("/"))

    def is_write(self, method: str, path: str) -> bool:
        if self.ckan:
            action = path.rsplit("/", 1)[-1]
            return bool(_CKAN_WRITE.search(action))
        return method not in READ_METHODS

    @property
    def area(self) -> str:
        return self.upstream


def check_rule(rule: str, principal: Principal) -> str | None:
    """None when the principal passes, else 'unauthenticated' or 'forbidden'."""
    if rule == ANONYMOUS:
        return None
    if not principal.is_authenticated:
        return "unauthenticated"
    if rule == AUTHENTICATED:
        return None
    if rule == USER:
        return None if principal.kind is PrincipalKind.USER else "forbidden"
    if principal.platform_admin:
        return None
    if rule == PLATFORM_ADMIN:
        return "forbidden"
    if rule.startswith("role:"):
        wanted = Role(rule[5:])
        if any(principal.has_role(m, wanted) for m in principal.memberships):
            return None
    return "forbidden"


def _routes(upstream: str, prefixes: list[str], **options: Any) -> list[Route]:
    return [Route(prefix, upstream, **options) for prefix in prefixes]


DEFAULT_ROUTES: list[Route] = [
    *_routes(GATEWAY, ["/api/v1/municipalities", "/api/v1/api-keys"], rate_class="default"),
    *_routes("usecase", ["/api/v1/use-cases", "/api/v1/portfolio", "/api/v1/usecase-settings"]),
    *_routes(
        "catalog",
        [
            "/api/v1/datasets",
            "/api/v1/organizations",
            "/api/v1/harvest-sources",
            "/api/v1/data-requests",
            "/api/v1/distributions",
            "/catalog",
            "/dataset",
        ],
    ),
    *_routes("catalog", ["/catalog.ttl", "/catalog.rdf", "/catalog.jsonld"], exact=True),
    # ckanapi POSTs every action, reads included, anonymously: the service decides.
    *_routes("catalog", ["/api/3/action", "/api/action"], write=ANONYMOUS, ckan=True),
    *_routes(
        "participation",
        [
            "/api/v1/processes",
            "/api/v1/contributions",
            "/api/v1/surveys",
            "/api/v1/participants",
        ],
    ),
    Route("/api/v1/moderation", "participation", read="role:moderator", write="role:moderator"),
    # Open311 clients post service requests with their own api_key parameter.
    Route("/open311/v2", "participation", write=ANONYMOUS),
]


@dataclass
class RouteTable:
    routes: list[Route]
    upstreams: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Longest prefix first, so /catalog.ttl wins over /catalog.
        self.routes = sorted(self.routes, key=lambda r: len(r.prefix), reverse=True)
        self._first: dict[str, list[Route]] = {}
        for route in self.routes:
            self._first.setdefault(_first_segment(route.prefix), []).append(route)

    def match(self, path: str) -> Route | None:
        for route in self._first.get(_first_segment(path), ()):
            if route.matches(path):
                return route
        return None


def _first_segment(path: str) -> str:
    end = path.find("/", 1)
    segment = path if end < 0 else path[:end]
    dot = segment.find(".")
    return segment if dot < 0 else segment[:dot]


def load_table(upstreams: dict[str, str], routes_file: Path | None) -> RouteTable:
    routes = list(DEFAULT_ROUTES)
    upstreams = dict(upstreams)
    if routes_file is not None:
        raw = yaml.safe_load(routes_file.read_text()) or {}
        upstreams.update({str(k): str(v) for k, v in (raw.get("upstreams") or {}).items()})
        custom = [Route(**entry) for entry in raw.get("routes") or []]
        replaced = {r.prefix for r in custom}
        routes = [r for r in routes if r.prefix not in replaced] + custom
    for route in routes:
        for rule in (route.read, route.write):
            if rule not in RULES:
                raise ValueError(f"route {route.prefix}: unknown rule {rule!r}")
        if route.upstream != GATEWAY and route.upstream not in upstreams:
            raise ValueError(f"route {route.prefix}: unknown upstream {route.upstream!r}")
    return RouteTable(routes, upstreams)


__all__ = ["IDEMPOTENT_METHODS", "Route", "RouteTable", "check_rule", "load_table", "replace"]
