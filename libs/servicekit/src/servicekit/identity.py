"""Who is calling: the gateway's short-lived internal identity token and role checks.

The gateway authenticates clients (OIDC, API keys, dev tokens) and forwards a token it
signs with its private Ed25519 key. Services hold only the public key, so a compromised
service cannot mint identities.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import jwt
from cachetools import TLRUCache
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import Request

from servicekit.problems import NotFound, ProblemError

IDENTITY_HEADER = "x-smartgov-identity"
ALGORITHM = "EdDSA"
DEFAULT_TTL_SECONDS = 60
LEEWAY_SECONDS = 5
# The gateway re-sends one token per caller for half its lifetime, so a few hundred entries
# cover every active caller of a busy replica.
VERIFIED_CACHE_SIZE = 512


class Role(StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    MODERATOR = "moderator"
    VIEWER = "viewer"


# What each role includes: an admin may do what editors and moderators may.
ROLE_IMPLIES: dict[Role, frozenset[Role]] = {
    Role.ADMIN: frozenset({Role.ADMIN, Role.EDITOR, Role.MODERATOR, Role.VIEWER}),
    Role.EDITOR: frozenset({Role.EDITOR, Role.VIEWER}),
    Role.MODERATOR: frozenset({Role.MODERATOR, Role.VIEWER}),
    Role.VIEWER: frozenset({Role.VIEWER}),
}


class PrincipalKind(StrEnum):
    ANONYMOUS = "anonymous"
    USER = "user"
    API_KEY = "api_key"


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    subject: str | None = None
    name: str | None = None
    platform_admin: bool = False
    memberships: dict[str, frozenset[Role]] = field(default_factory=dict)
    scopes: frozenset[str] = frozenset()

    @property
    def is_authenticated(self) -> bool:
        return self.kind is not PrincipalKind.ANONYMOUS

    def roles_in(self, municipality: str) -> frozenset[Role]:
        granted: set[Role] = set()
        for role in self.memberships.get(municipality, frozenset()):
            granted |= ROLE_IMPLIES[role]
        return frozenset(granted)

    def has_role(self, municipality: str, *roles: Role) -> bool:
        if self.platform_admin:
            return True
        return bool(self.roles_in(municipality) & set(roles))

    def can_see_internal(self, municipality: str) -> bool:
        """Members of a municipality (any role) see its non-public records."""
        return self.platform_admin or bool(self.roles_in(municipality))

    def require_authenticated(self) -> None:
        if not self.is_authenticated:
            raise ProblemError(401, "Sign in to do this.", headers={"WWW-Authenticate": "Bearer"})

    def require_role(self, municipality: str, *roles: Role, hide: bool = False) -> None:
        """Raise 401/403 (or 404 with `hide`, so a record's existence does not leak)."""
        self.require_authenticated()
        if self.has_role(municipality, *roles):
            return
        if hide and not self.can_see_internal(municipality):
            raise NotFound("No such resource.")
        wanted = " or ".join(r.value for r in roles)
        raise ProblemError(403, f"This needs the role {wanted} in municipality '{municipality}'.")

    def require_platform_admin(self) -> None:
        self.require_authenticated()
        if not self.platform_admin:
            raise ProblemError(403, "This needs the platform_admin role.")

    def to_claims(self) -> dict[str, Any]:
        return {
            "sub": self.subject,
            "knd": self.kind.value,
            "name": self.name,
            "pa": self.platform_admin,
            "mun": {m: sorted(r.value for r in roles) for m, roles in self.memberships.items()},
            "scp": sorted(self.scopes),
        }

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> Principal:
        memberships = {
            str(m): frozenset(Role(r) for r in roles if r in Role.__members__.values())
            for m, roles in (claims.get("mun") or {}).items()
        }
        return cls(
            kind=PrincipalKind(claims.get("knd", "user")),
            subject=claims.get("sub"),
            name=claims.get("name"),
            platform_admin=bool(claims.get("pa", False)),
            memberships=memberships,
            scopes=frozenset(claims.get("scp") or ()),
        )


ANONYMOUS = Principal(kind=PrincipalKind.ANONYMOUS)


def generate_keypair() -> tuple[str, str]:
    """A fresh Ed25519 key pair as (private PEM, public PEM)."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


class InternalTokenSigner:
    """Used by the gateway (and tests) to sign the identity it forwards."""

    def __init__(
        self,
        private_key_pem: str,
        *,
        issuer: str = "smartgov-gateway",
        audience: str = "smartgov-services",
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
    ) -> None:
        self._key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
        self.issuer = issuer
        self.audience = audience
        self.ttl = ttl_seconds

    def sign(self, principal: Principal) -> str:
        now = int(time.time())
        claims = principal.to_claims() | {
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "exp": now + self.ttl,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)  # type: ignore[arg-type]


class InternalTokenVerifier:
    """Verifies the gateway's tokens. A verified token is remembered (keyed by its exact text,
    until its `exp` plus leeway) so a caller's repeated requests skip the Ed25519 check and
    claim parsing, which otherwise cost more than a cached read's whole database query."""

    def __init__(
        self,
        public_key_pem: str,
        *,
        issuer: str = "smartgov-gateway",
        audience: str = "smartgov-services",
        cache_size: int = VERIFIED_CACHE_SIZE,
    ) -> None:
        self._key = serialization.load_pem_public_key(public_key_pem.encode())
        self.issuer = issuer
        self.audience = audience
        self.cache_size = cache_size
        # PyJWT accepts a token while now < exp + leeway; the cache keeps that rule.
        self._verified: TLRUCache[str, tuple[Principal, float]] | None = (
            TLRUCache(cache_size, ttu=lambda _token, entry, _now: entry[1], timer=time.time)
            if cache_size > 0
            else None
        )

    def verify(self, token: str) -> Principal:
        if self._verified is None:
            return self._decode(token)[0]
        cached = self._verified.get(token)
        if cached is not None:
            return cached[0]
        principal, expires = self._decode(token)
        self._verified[token] = (principal, expires + LEEWAY_SECONDS)
        return principal

    def _decode(self, token: str) -> tuple[Principal, float]:
        try:
            claims = jwt.decode(
                token,
                self._key,  # type: ignore[arg-type]
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise ProblemError(
                401,
                f"The internal identity token is not valid: {exc}",
                headers={"WWW-Authenticate": "Bearer"},
            ) from exc
        return Principal.from_claims(claims), float(claims["exp"])


async def get_principal(request: Request) -> Principal:
    """FastAPI dependency: the caller as the gateway vouched for them, or anonymous."""
    token = request.headers.get(IDENTITY_HEADER)
    if not token:
        return ANONYMOUS
    verifier: InternalTokenVerifier | None = getattr(request.app.state, "token_verifier", None)
    if verifier is None:
        raise ProblemError(503, "Identity verification is not configured.")
    return verifier.verify(token)
