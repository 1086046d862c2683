"""Header rules at the edge: hop-by-hop, identity, forwarded chains, CORS."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"proxy-connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)
# Identity a client might try to assert; services trust only the gateway's signed token.
IDENTITY = frozenset(
    {
        b"x-smartgov-identity",
        b"x-user",
        b"x-user-id",
        b"x-remote-user",
        b"x-forwarded-user",
        b"x-forwarded-email",
        b"x-auth-request-user",
        b"x-auth-request-email",
        b"x-principal",
        b"remote-user",
    }
)
CREDENTIALS = frozenset({b"authorization", b"x-api-key", b"x-ckan-api-key"})
FORWARDED = frozenset(
    {b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host", b"forwarded", b"x-real-ip"}
)
DROP_FROM_REQUEST = HOP_BY_HOP | IDENTITY | CREDENTIALS | FORWARDED | {b"x-request-id", b"expect"}
DROP_FROM_RESPONSE = HOP_BY_HOP | {b"date", b"server", b"x-request-id"}


def connection_tokens(value: bytes) -> set[bytes]:
    """Headers named in `Connection` are hop-by-hop too (RFC 9110 7.6.1)."""
    return {t.strip().lower() for t in value.split(b",") if t.strip()}


class TrustedProxies:
    def __init__(self, networks: list[str]) -> None:
        self.networks = [ipaddress.ip_network(n, strict=False) for n in networks]
        self.is_trusted = lru_cache(maxsize=4096)(self._check)

    def _check(self, address: str) -> bool:
        if not self.networks:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in n for n in self.networks)

    def client_ip(self, chain: list[str]) -> str:
        """The rightmost address that is not one of our proxies."""
        for address in reversed(chain):
            if not self.is_trusted(address):
                return address
        return chain[0] if chain else ""


class Cors:
    EXPOSE = (
        b"ETag, Location, X-Request-ID, Retry-After, RateLimit-Limit, RateLimit-Remaining, "
        b"RateLimit-Reset, Idempotent-Replayed"
    )
    ALLOW_HEADERS = (
        b"Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-API-Key, "
        b"X-Request-ID, Accept, Accept-Language"
    )
    ALLOW_METHODS = b"GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"

    def __init__(self, origins: list[str], max_age: int) -> None:
        self.any = "*" in origins
        self.origins = frozenset(o.rstrip("/").encode() for o in origins if o != "*")
        self.max_age = str(max_age).encode()

    def allowed(self, origin: bytes | None) -> bool:
        return origin is not None and (self.any or origin in self.origins)

    def response_headers(self, origin: bytes) -> list[tuple[bytes, bytes]]:
        return [
            (b"access-control-allow-origin", origin),
            (b"access-control-expose-headers", self.EXPOSE),
            (b"vary", b"Origin"),
        ]

    def preflight_headers(
        self, origin: bytes, requested: bytes | None
    ) -> list[tuple[bytes, bytes]]:
        return [
            (b"access-control-allow-origin", origin),
            (b"access-control-allow-methods", self.ALLOW_METHODS),
            (b"access-control-allow-headers", requested or self.ALLOW_HEADERS),
            (b"access-control-max-age", self.max_age),
            (b"vary", b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
        ]
