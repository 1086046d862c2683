"""The outermost ASGI layer: request id, CORS, authentication, edge rules, rate limits,
then either the gateway's own API (FastAPI, behind) or the proxy to a service.

This runs for every request, so it does the least it can: one pass over the headers,
cached authentication and identity tokens, no framework in the proxied path.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from contextvars import ContextVar
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.auth.authenticator import Authenticator, AuthError, Caller
from gateway.edge import metrics
from gateway.edge.headers import (
    DROP_FROM_REQUEST,
    Cors,
    TrustedProxies,
    connection_tokens,
)
from gateway.edge.ratelimit import RateLimiter
from gateway.edge.responses import adding, problem, respond
from gateway.proxy.forward import ClientGone, Upstream
from gateway.proxy.forward import forward as forward_request
from gateway.routing import GATEWAY, Route, RouteTable, check_rule
from gateway.settings import Settings
from servicekit.identity import ANONYMOUS
from servicekit.logs import request_id_var

log = logging.getLogger("gateway.edge")
access_log = logging.getLogger("servicekit.access")

OPERATIONS = frozenset({"/healthz", "/metrics", "/docs", "/docs/oauth2-redirect", "/redoc"})
_VALID_ID = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-")
SpecHandler = Callable[[Scope, Receive, Send], Awaitable[None]]
# (route, upstream, status) of the current request, for the access log; set by Edge.count.
_outcome: ContextVar[tuple[str, str, int] | None] = ContextVar("gateway_outcome", default=None)


def _valid_request_id(value: bytes) -> bool:
    return 0 < len(value) <= 128 and all(c in _VALID_ID for c in value)


class Edge:
    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: Settings,
        table: RouteTable,
        authenticator: Authenticator,
        spec: SpecHandler,
        readiness: SpecHandler,
    ) -> None:
        self.app = app
        self.settings = settings
        self.table = table
        self.authenticator = authenticator
        self.spec = spec
        self.readiness = readiness
        self.upstreams = {
            name: Upstream(name, url, settings) for name, url in table.upstreams.items()
        }
        self.cors = Cors(settings.cors_origins, settings.cors_max_age)
        self.trusted = TrustedProxies(settings.trusted_proxies)
        self.limiter = RateLimiter(settings.rate_limits) if settings.rate_limit_enabled else None
        self.has_write_class = "write" in settings.rate_limits
        self._counters: dict[tuple[str, str, int], Any] = {}
        # Lowest status that gets an access-log line.
        self.log_from = {"all": 0, "errors": 400, "off": 1000}[settings.access_log]

    def close(self) -> None:
        for upstream in self.upstreams.values():
            upstream.pool.close()

    def count(self, route: str, upstream: str, status: int) -> None:
        _outcome.set((route, upstream, status))
        key = (route, upstream, status)
        counter = self._counters.get(key)
        if counter is None:
            counter = self._counters[key] = metrics.REQUESTS.labels(route, upstream, str(status))
        counter.inc()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        method: str = scope["method"]
        # One pass over the request headers.
        forward: list[tuple[bytes, bytes]] = []
        request_id = origin = authorization = api_key = ckan_key = None
        content_length = connection = host = None
        chunked = False
        xff = xfp = xfh = None
        preflight_method = None
        for name, value in scope["headers"]:
            if name in DROP_FROM_REQUEST:
                if name == b"authorization":
                    authorization = value
                elif name == b"x-api-key":
                    api_key = value
                elif name == b"x-ckan-api-key":
                    ckan_key = value
                elif name == b"x-request-id":
                    request_id = value
                elif name == b"transfer-encoding":
                    chunked = b"chunked" in value.lower()
                elif name == b"connection":
                    connection = value
                elif name == b"x-forwarded-for":
                    xff = value if xff is None else xff + b", " + value
                elif name == b"x-forwarded-proto":
                    xfp = value
                elif name == b"x-forwarded-host":
                    xfh = value
                continue
            if name == b"host":
                host = value
            elif name == b"content-length":
                content_length = value
                continue
            elif name == b"origin":
                origin = value
            elif name == b"access-control-request-method":
                preflight_method = value
            forward.append((name, value))
        if connection is not None:
            named = connection_tokens(connection)
            if named - {b"keep-alive", b"close"}:
                forward = [(k, v) for k, v in forward if k not in named]
        if request_id is None or not _valid_request_id(request_id):
            request_id = uuid.uuid4().hex.encode()
        rid_header = (b"x-request-id", request_id)
        token = request_id_var.set(request_id.decode())
        started = time.perf_counter()
        outcome = _outcome.set(None)
        try:
            extra = [rid_header]
            if origin is not None and self.cors.allowed(origin):
                if method == "OPTIONS" and preflight_method is not None:
                    await respond(send, 204, extra + self.cors.preflight_headers(origin, None), b"")
                    return
                extra += self.cors.response_headers(origin)
            if path in OPERATIONS:
                await self.app(scope, receive, adding(send, extra))
                return
            if path == "/openapi.json":
                await self.spec(scope, receive, adding(send, extra))
                return
            if path == "/readyz":
                await self.readiness(scope, receive, adding(send, extra))
                return
            route = self.table.match(path)
            if route is None:
                await self._answer(
                    send, extra, *problem(404, f"No resource at {path}.", path), "unmatched", "none"
                )
                return
            try:
                await self._route(
                    scope, receive, send, route, path, method, forward, extra, request_id,
                    authorization, api_key, ckan_key, content_length, chunked, host, xff, xfp,
                    xfh,
                )  # fmt: skip
            except ClientGone:
                return  # the client left while sending its body; nobody to answer
            except asyncio.CancelledError:
                raise
            except Exception:
                # A bug of ours must not leak as a bare 500 or a hang.
                log.exception("unhandled error at the edge")
                with contextlib.suppress(Exception):
                    await self._answer(
                        send, extra,
                        *problem(500, "An internal error occurred; quote the X-Request-ID.", path),
                        route.prefix, route.upstream,
                    )  # fmt: skip
        finally:
            done = _outcome.get()
            if done is not None and self.log_from <= done[2]:
                access_log.info(
                    "%s %s %s",
                    method,
                    path,
                    done[2],
                    extra={
                        "status": done[2],
                        "upstream": done[1],
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    },
                )
            _outcome.reset(outcome)
            request_id_var.reset(token)

    async def _answer(
        self,
        send: Send,
        extra: list[tuple[bytes, bytes]],
        status: int,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        route: str,
        upstream: str,
    ) -> None:
        await respond(send, status, headers + extra, body)
        self.count(route, upstream, status)

    async def _authenticate(
        self, route: Route, authorization: bytes | None, api_key: bytes | None, ckan: bytes | None
    ) -> Caller | None:
        if authorization is not None:
            scheme, _, credential = authorization.decode("latin-1").strip().partition(" ")
            lowered = scheme.lower()
            if lowered == "bearer" and credential:
                return await self.authenticator.bearer(credential.strip())
            if lowered == "apikey" and credential:
                return await self.authenticator.api_key(credential.strip())
            if route.ckan and scheme and not credential:
                return await self.authenticator.api_key(scheme)
            raise AuthError(
                401, "Unsupported Authorization scheme; use Bearer or ApiKey.", "scheme"
            )
        if api_key is not None:
            return await self.authenticator.api_key(api_key.decode("latin-1").strip())
        if ckan is not None and route.ckan:
            return await self.authenticator.api_key(ckan.decode("latin-1").strip())
        return None

    async def _route(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        route: Route,
        path: str,
        method: str,
        forward: list[tuple[bytes, bytes]],
        extra: list[tuple[bytes, bytes]],
        request_id: bytes,
        authorization: bytes | None,
        api_key: bytes | None,
        ckan_key: bytes | None,
        content_length: bytes | None,
        chunked: bool,
        host: bytes | None,
        xff: bytes | None,
        xfp: bytes | None,
        xfh: bytes | None,
    ) -> None:
        prefix, upstream_name = route.prefix, route.upstream
        caller = None
        if authorization is not None or api_key is not None or ckan_key is not None:
            try:
                caller = await self._authenticate(route, authorization, api_key, ckan_key)
            except AuthError as exc:
                metrics.AUTH_REJECTED.labels(exc.reason).inc()
                headers = [(k.lower().encode(), v.encode()) for k, v in exc.headers.items()]
                await self._answer(
                    send,
                    extra,
                    *problem(exc.status, exc.detail, path, headers),
                    prefix,
                    upstream_name,
                )
                return
        principal = caller.principal_for(route.area) if caller is not None else ANONYMOUS
        write = route.is_write(method, path)
        refusal = check_rule(route.write if write else route.read, principal)
        key = caller.api_key if caller is not None else None
        if refusal is None and key is not None and upstream_name != GATEWAY:
            refusal = None if has_scope(key.scopes, route.area, write) else "scope"
        if refusal is not None:
            metrics.AUTH_REJECTED.labels(refusal).inc()
            if refusal == "unauthenticated":
                answer = problem(
                    401, "Sign in to do this.", path, [(b"www-authenticate", b"Bearer")]
                )
            elif refusal == "scope":
                answer = problem(
                    403,
                    f"This API key lacks the scope {route.area}:{'write' if write else 'read'}.",
                    path,
                )
            else:
                answer = problem(403, "You may not do this here.", path)
            await self._answer(send, extra, *answer, prefix, upstream_name)
            return
        client = scope.get("client")
        peer = client[0] if client else ""
        trusted = bool(peer) and self.trusted.is_trusted(peer)
        if self.limiter is not None:
            audience = "anonymous" if caller is None else "authenticated"
            if caller is None:
                who = (
                    self.trusted.client_ip([*_split_chain(xff), peer]) if trusted and xff else peer
                )
            else:
                who = principal.subject or ""
            rate_class = "write" if write and self.has_write_class else route.rate_class
            verdict = self.limiter.take(rate_class, audience, who)
            if verdict is not None:
                if not verdict.allowed:
                    metrics.RATE_LIMITED.labels(rate_class, audience).inc()
                    await self._answer(
                        send,
                        extra,
                        *problem(
                            429,
                            f"Too many requests; try again in {verdict.retry_after} s.",
                            path,
                            verdict.headers(),
                        ),
                        prefix,
                        upstream_name,
                    )
                    return
                extra = extra + verdict.headers()
        identity = (
            self.authenticator.identity_token(caller, route.area) if caller is not None else None
        )
        if upstream_name == GATEWAY:
            await self._own(scope, receive, send, forward, content_length, identity, extra, route)
            return
        # X-Forwarded-*: extend a chain only when it comes from one of our proxies.
        forwarded_for = peer.encode()
        if trusted and xff:
            forwarded_for = xff + b", " + forwarded_for
        forward.append((b"x-forwarded-for", forwarded_for))
        forward.append((b"x-forwarded-proto", xfp if trusted and xfp else scope["scheme"].encode()))
        forwarded_host = xfh if trusted and xfh else host
        if forwarded_host:
            forward.append((b"x-forwarded-host", forwarded_host))
        forward.append((b"x-request-id", request_id))
        if identity is not None:
            forward.append((b"x-smartgov-identity", identity.encode()))
        upstream = self.upstreams[upstream_name]
        if host is None:
            forward.append((b"host", upstream.host_header))
        status = await forward_request(
            scope, receive, send,
            upstream=upstream, headers=forward, extra=extra,
            content_length=content_length, chunked=chunked,
            limit=route.max_body_bytes or self.settings.max_body_bytes,
            timeout=route.timeout or self.settings.upstream_timeout_seconds,
        )  # fmt: skip
        self.count(route.prefix, upstream_name, status)

    async def _own(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        forward: list[tuple[bytes, bytes]],
        content_length: bytes | None,
        identity: str | None,
        extra: list[tuple[bytes, bytes]],
        route: Route,
    ) -> None:
        headers = list(forward)
        if content_length is not None:
            headers.append((b"content-length", content_length))
        headers.append(extra[0])  # x-request-id
        if identity is not None:
            headers.append((b"x-smartgov-identity", identity.encode()))
        status = 500

        async def tracking(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    (k, v) for k, v in message.get("headers", []) if k != b"x-request-id"
                ] + extra
            await send(message)

        await self.app({**scope, "headers": headers}, receive, tracking)
        self.count(route.prefix, GATEWAY, status)


def has_scope(scopes: frozenset[str], area: str, write: bool) -> bool:
    """`<area>:write` includes read."""
    return f"{area}:write" in scopes or (not write and f"{area}:read" in scopes)


def _split_chain(value: bytes | None) -> list[str]:
    if not value:
        return []
    return [part.strip() for part in value.decode("latin-1").split(",") if part.strip()]
