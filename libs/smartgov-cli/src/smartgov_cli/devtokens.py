"""Dev tokens: JWTs the gateway accepts only with GATEWAY_DEV_AUTH=true."""

from __future__ import annotations

import time

import jwt

DEV_ISSUER = "smartgov-dev"
DEV_AUDIENCE = "smartgov-gateway"
ROLES = ("participant", "viewer", "editor", "moderator", "admin", "platform_admin")


def dev_token(
    secret: str,
    *,
    role: str,
    municipality: str | None = None,
    sub: str | None = None,
    ttl: int = 12 * 3600,
) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if role not in ("participant", "platform_admin") and not municipality:
        raise ValueError(f"role {role} needs --municipality")
    now = int(time.time())
    claims = {
        "iss": DEV_ISSUER,
        "aud": DEV_AUDIENCE,
        "sub": sub or f"dev-{role}-{municipality or 'platform'}",
        "name": sub or f"Dev {role}",
        "iat": now,
        "exp": now + ttl,
        "roles": ["platform_admin"] if role == "platform_admin" else [],
        "municipalities": (
            {municipality: [role]}
            if municipality and role not in ("participant", "platform_admin")
            else {}
        ),
    }
    return jwt.encode(claims, secret, algorithm="HS256")
