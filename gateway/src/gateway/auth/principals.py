"""Claims of a verified token → the Principal the services see."""

from __future__ import annotations

from typing import Any

from gateway.auth.oidc import claim
from servicekit.identity import Principal, PrincipalKind, Role

_ROLES = {r.value: r for r in Role}


def memberships_from(value: Any) -> dict[str, frozenset[Role]]:
    """`{slug: [role, ...]}` or `["slug:role", ...]`; unknown roles are ignored."""
    found: dict[str, set[Role]] = {}
    if isinstance(value, dict):
        for slug, roles in value.items():
            if isinstance(roles, str):
                roles = [roles]
            if isinstance(roles, list):
                for role in roles:
                    if role in _ROLES:
                        found.setdefault(str(slug), set()).add(_ROLES[role])
    elif isinstance(value, list):
        for entry in value:
            if isinstance(entry, str) and ":" in entry:
                slug, role = entry.split(":", 1)
                if role in _ROLES:
                    found.setdefault(slug, set()).add(_ROLES[role])
    return {slug: frozenset(roles) for slug, roles in found.items()}


def memberships_from_groups(groups: Any, prefix: str) -> dict[str, frozenset[Role]]:
    """Keycloak group paths like `/municipalities/musterstadt/editor`."""
    found: dict[str, set[Role]] = {}
    if not isinstance(groups, list) or not prefix:
        return {}
    for path in groups:
        if not isinstance(path, str) or not path.startswith(prefix):
            continue
        parts = path[len(prefix) :].strip("/").split("/")
        if len(parts) == 2 and parts[1] in _ROLES:
            found.setdefault(parts[0], set()).add(_ROLES[parts[1]])
    return {slug: frozenset(roles) for slug, roles in found.items()}


def merge(*parts: dict[str, frozenset[Role]]) -> dict[str, frozenset[Role]]:
    merged: dict[str, frozenset[Role]] = {}
    for part in parts:
        for slug, roles in part.items():
            merged[slug] = merged.get(slug, frozenset()) | roles
    return merged


def dev_principal(claims: dict[str, Any]) -> Principal:
    roles = claims.get("roles") or []
    return Principal(
        kind=PrincipalKind.USER,
        subject=str(claims["sub"]),
        name=claims.get("name"),
        platform_admin="platform_admin" in roles,
        memberships=memberships_from(claims.get("municipalities")),
    )


def oidc_principal(
    claims: dict[str, Any],
    *,
    roles_claim: str,
    platform_admin_role: str,
    municipalities_claim: str,
    groups_claim: str,
    group_prefix: str,
    name_claim: str,
) -> Principal:
    roles = claim(claims, roles_claim) or []
    if not isinstance(roles, list):
        roles = []
    name = claim(claims, name_claim) or claims.get("preferred_username")
    return Principal(
        kind=PrincipalKind.USER,
        subject=str(claims["sub"]),
        name=str(name) if name is not None else None,
        platform_admin=platform_admin_role in roles,
        memberships=merge(
            memberships_from(claim(claims, municipalities_claim)),
            memberships_from_groups(claim(claims, groups_claim), group_prefix),
        ),
    )


def api_key_principal(
    key_id: str, name: str, municipality: str, scopes: frozenset[str], area: str
) -> Principal:
    role = Role.EDITOR if f"{area}:write" in scopes else Role.VIEWER
    return Principal(
        kind=PrincipalKind.API_KEY,
        subject=f"api-key:{key_id}",
        name=name,
        memberships={municipality: frozenset({role})},
        scopes=scopes,
    )
