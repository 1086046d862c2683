"""From what a client presents to the internal identity token forwarded to the services.

Results are cached per presented credential (bounded, short-lived) so a busy client costs
one dictionary lookup per request, not a signature check and a signing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import jwt

from gateway.apikeys import service as apikeys
from gateway.auth.oidc import IssuerUnavailable, JwksCache, OidcVerifier, TokenRejected
from gateway.auth.principals import api_key_principal, dev_principal, oidc_principal
from gateway.settings import Settings
from servicekit.db import Database, utcnow
from servicekit.identity import InternalTokenSigner, Principal

log = logging.getLogger("gateway.auth")

DEV_ISSUER = "smartgov-dev"
DEV_AUDIENCE = "smartgov-gateway"
CACHE_LIMIT = 50_000


class AuthError(Exception):
    def __init__(self, status: int, detail: str, reason: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.reason = reason  # metric label

    @property
    def headers(self) -> dict[str, str]:
        if self.status == 401:
            safe = self.detail.replace('"', "'")
            return {"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{safe}"'}
        if self.status == 503:
            return {"Retry-After": "5"}
        return {}


@dataclass
class Caller:
    """A verified credential. API keys: one principal per area (editor or viewer)."""

    principal: Principal
    valid_until: float  # monotonic
    api_key: apikeys.KeyGrant | None = None
    tokens: dict[str, tuple[str, float]] = field(default_factory=dict)

    def principal_for(self, area: str) -> Principal:
        key = self.api_key
        if key is None:
            return self.principal
        return api_key_principal(key.id, key.name, key.municipality, key.scopes, area)


class Authenticator:
    def __init__(
        self,
        settings: Settings,
        signer: InternalTokenSigner,
        db: Callable[[], Database],
    ) -> None:
        self.settings = settings
        self.signer = signer
        self.db = db
        self.dev_secret = (
            settings.dev_auth_secret.get_secret_value()
            if settings.dev_auth and settings.dev_auth_secret
            else None
        )
        if settings.dev_auth and not self.dev_secret:
            raise ValueError("GATEWAY_DEV_AUTH=true needs GATEWAY_DEV_AUTH_SECRET")
        self.oidc = (
            OidcVerifier(
                settings.oidc_issuer,
                settings.oidc_audience,
                settings.oidc_algorithms,
                leeway=settings.oidc_leeway_seconds,
                jwks=JwksCache(
                    settings.oidc_issuer,
                    ttl=settings.oidc_jwks_cache_seconds,
                    cooldown=settings.oidc_jwks_refetch_cooldown_seconds,
                ),
            )
            if settings.oidc_issuer
            else None
        )
        self._bearer: dict[str, Caller] = {}
        self._keys: dict[str, Caller | None] = {}
        self._keys_until: dict[str, float] = {}
        self._used: dict[str, datetime] = {}
        self._flusher: asyncio.Task[None] | None = None

    # --- lifecycle -------------------------------------------------------------------
    def start(self) -> None:
        self._flusher = asyncio.create_task(self._flush_loop(), name="api-key-last-used")

    async def stop(self) -> None:
        if self._flusher is not None:
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher
        await self.flush_last_used()

    async def _flush_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.last_used_flush_seconds)
            try:
                await self.flush_last_used()
            except Exception:
                log.exception("recording API key use failed")

    async def flush_last_used(self) -> None:
        used, self._used = self._used, {}
        await apikeys.record_use(self.db(), used)

    def forget_api_keys(self) -> None:
        """After a revocation: every key is looked up again on its next use."""
        self._keys.clear()
        self._keys_until.clear()

    # --- the hot path -----------------------------------------------------------------
    async def bearer(self, token: str) -> Caller:
        now = time.monotonic()
        cached = self._bearer.get(token)
        if cached is not None and cached.valid_until > now:
            return cached
        claims, principal = await self._verify_bearer(token)
        exp = float(claims.get("exp", 0))
        remaining = exp - time.time()
        caller = Caller(principal, now + min(remaining, 300.0))
        if len(self._bearer) >= CACHE_LIMIT:
            self._bearer.clear()
        self._bearer[token] = caller
        return caller

    async def _verify_bearer(self, token: str) -> tuple[dict[str, Any], Principal]:
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise AuthError(401, f"The token is malformed: {exc}", "malformed") from exc
        if unverified.get("iss") == DEV_ISSUER:
            if self.dev_secret is None:
                raise AuthError(401, "Dev tokens are not accepted here.", "dev_disabled")
            try:
                claims = jwt.decode(
                    token,
                    self.dev_secret,
                    algorithms=["HS256"],
                    audience=DEV_AUDIENCE,
                    issuer=DEV_ISSUER,
                    leeway=self.settings.oidc_leeway_seconds,
                    options={"require": ["exp", "sub", "iss", "aud"]},
                )
            except jwt.PyJWTError as exc:
                raise AuthError(401, f"The dev token is not valid: {exc}", "invalid") from exc
            return claims, dev_principal(claims)
        if self.oidc is None:
            raise AuthError(401, "Tokens of this issuer are not accepted.", "unknown_issuer")
        try:
            claims = await self.oidc.verify(token)
        except TokenRejected as exc:
            raise AuthError(401, f"The token is not valid: {exc}", "invalid") from exc
        except IssuerUnavailable as exc:
            raise AuthError(503, str(exc), "issuer_unavailable") from exc
        s = self.settings
        return claims, oidc_principal(
            claims,
            roles_claim=s.oidc_roles_claim,
            platform_admin_role=s.oidc_platform_admin_role,
            municipalities_claim=s.oidc_municipalities_claim,
            groups_claim=s.oidc_groups_claim,
            group_prefix=s.oidc_group_prefix,
            name_claim=s.oidc_name_claim,
        )

    async def api_key(self, key: str) -> Caller:
        now = time.monotonic()
        if self._keys_until.get(key, 0.0) > now:
            caller = self._keys[key]
        else:
            grant = await apikeys.lookup(self.db(), key) if len(key) <= 200 else None
            caller = None
            if grant is not None:
                caller = Caller(
                    Principal(kind=api_key_principal("", "", "", frozenset(), "").kind),
                    now + self.settings.api_key_cache_seconds,
                    api_key=grant,
                )
            if len(self._keys) >= CACHE_LIMIT:
                self.forget_api_keys()
            self._keys[key] = caller
            self._keys_until[key] = now + self.settings.api_key_cache_seconds
        if caller is None:
            raise AuthError(401, "The API key is unknown, revoked or expired.", "api_key")
        grant = caller.api_key
        assert grant is not None
        if grant.expires_at is not None and grant.expires_at <= utcnow():
            raise AuthError(401, "The API key is unknown, revoked or expired.", "api_key")
        self._used[grant.id] = utcnow()
        return caller

    def identity_token(self, caller: Caller, area: str) -> str:
        now = time.monotonic()
        cached = caller.tokens.get(area)
        if cached is not None and cached[1] > now:
            return cached[0]
        token = self.signer.sign(caller.principal_for(area))
        # Re-sign at half the token's lifetime, so a forwarded token is never near expiry.
        caller.tokens[area] = (token, now + self.signer.ttl / 2)
        return token
