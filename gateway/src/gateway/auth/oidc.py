"""OIDC bearer tokens: keys from the JWKS named in the issuer's discovery document."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx
import jwt

log = logging.getLogger("gateway.oidc")


class TokenRejected(Exception):
    """The token is not acceptable: 401."""


class IssuerUnavailable(Exception):
    """The issuer's keys cannot be fetched: 503."""


class JwksCache:
    """The issuer's signing keys, cached; an unknown `kid` refetches at most once per cooldown."""

    def __init__(self, issuer: str, *, ttl: float, cooldown: float) -> None:
        self.issuer = issuer.rstrip("/")
        self.ttl = ttl
        self.cooldown = cooldown
        self.keys: dict[str | None, jwt.PyJWK] = {}
        self.fetched_at = float("-inf")
        self.jwks_uri: str | None = None
        self._lock = asyncio.Lock()

    async def key(self, kid: str | None) -> jwt.PyJWK:
        now = time.monotonic()
        if now - self.fetched_at > self.ttl:
            await self.refresh(now)
        found = self._find(kid)
        if found is None and time.monotonic() - self.fetched_at >= self.cooldown:
            await self.refresh(now)
            found = self._find(kid)
        if found is None:
            raise TokenRejected(f"unknown signing key {kid!r}")
        return found

    def _find(self, kid: str | None) -> jwt.PyJWK | None:
        if kid is None and len(self.keys) == 1:
            return next(iter(self.keys.values()))
        return self.keys.get(kid)

    async def refresh(self, asked_at: float) -> None:
        async with self._lock:
            if self.fetched_at >= asked_at:
                return  # another request refreshed while we waited
            try:
                async with httpx.AsyncClient(timeout=5.0) as client:
                    if self.jwks_uri is None:
                        discovery = await client.get(
                            f"{self.issuer}/.well-known/openid-configuration"
                        )
                        discovery.raise_for_status()
                        document = discovery.json()
                        if document.get("issuer", "").rstrip("/") != self.issuer:
                            raise IssuerUnavailable("discovery document names another issuer")
                        self.jwks_uri = str(document["jwks_uri"])
                    response = await client.get(self.jwks_uri)
                    response.raise_for_status()
                    jwks = response.json()
            except (httpx.HTTPError, ValueError, KeyError) as exc:
                log.warning("cannot fetch the issuer's keys: %s", exc)
                # Keep serving known keys; wait a cooldown before asking again.
                self.fetched_at = time.monotonic() - max(self.ttl - self.cooldown, 0)
                if not self.keys:
                    raise IssuerUnavailable(f"cannot fetch the issuer's keys: {exc}") from exc
                return
            keys: dict[str | None, jwt.PyJWK] = {}
            for entry in jwks.get("keys", []):
                if entry.get("use", "sig") != "sig":
                    continue
                try:
                    keys[entry.get("kid")] = jwt.PyJWK(entry)
                except jwt.PyJWTError:
                    continue
            self.keys = keys
            self.fetched_at = time.monotonic()
            log.info("fetched %d signing keys from %s", len(keys), self.jwks_uri)


class OidcVerifier:
    def __init__(
        self,
        issuer: str,
        audience: list[str],
        algorithms: list[str],
        *,
        leeway: int,
        jwks: JwksCache,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        # Never `none`, never a shared-secret algorithm with a public key.
        self.algorithms = [a for a in algorithms if a != "none" and not a.startswith("HS")]
        self.leeway = leeway
        self.jwks = jwks

    async def verify(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise TokenRejected(f"malformed token: {exc}") from exc
        algorithm = header.get("alg")
        if algorithm not in self.algorithms:
            raise TokenRejected(f"algorithm {algorithm!r} is not allowed")
        key = await self.jwks.key(header.get("kid"))
        declared = key._jwk_data.get("alg")
        if declared and declared != algorithm:
            raise TokenRejected("the key does not sign with this algorithm")
        try:
            return jwt.decode(
                token,
                key.key,
                algorithms=[algorithm],
                audience=self.audience or None,
                issuer=self.issuer,
                leeway=self.leeway,
                options={
                    "require": ["exp", "iss", "sub"] + (["aud"] if self.audience else []),
                    "verify_aud": bool(self.audience),
                },
            )
        except jwt.PyJWTError as exc:
            raise TokenRejected(str(exc)) from exc


def claim(claims: dict[str, Any], path: str) -> Any:
    """A value by dotted path, e.g. `realm_access.roles`."""
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
