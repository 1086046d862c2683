"""The outermost ASGI layer: request id, CORS, authentication, edge rules, rate limits,
then either the gateway's own API (FastAPI, behind) or the proxy to a service.

This runs for every request, so it does the least it can: one pass over the headers,
cached authentication and identity tokens, no framework in the proxied path.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from http import HTTPStatus
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.auth.authenticator import Authenticator, AuthError, Caller
from gateway.edge import metrics
from gateway.edge.breaker import CircuitBreaker
from gateway.edge.headers import (
    DROP_FROM_REQUEST,
    DROP_FROM_RESPONSE,
    Cors,
    TrustedProxies,
    connection_tokens,
)
from gateway.edge.ratelimit import RateLimiter
from gateway.proxy.client import Pool, Response, UpstreamError, UpstreamTimeout, split_host_port
from gateway.routing import GATEWAY, IDEMPOTENT_METHODS, Route, RouteTable, check_rule
from gateway.settings import Settings
from servicekit.identity import ANONYMOUS
from servicekit.logs import request_id_var
from servicekit.problems import PROBLEM_BASE, PROBLEM_JSON

log = logging.getLogger("gateway.edge")
access_log = logging.getLogger("servicekit.access")

OPERATIONS = frozenset({"/healthz", "/metrics", "/docs", "/docs/oauth2-redirect", "/redoc"})
_VALID_ID = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-")
SpecHandler = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyTooLarge(Exception):
    pass


class ClientGone(Exception):
    pass


class Upstream:
    def __init__(self, name: str, url: str, settings: Settings) -> None:
        host, port, _ = split_host_port(url)
        self.name = name
        self.url = url.rstrip("/")
        self.pool = Pool(host, port, connect_timeout=settings.connect_timeout_seconds)
        self.breaker = CircuitBreaker(settings.breaker_failures, settings.breaker_open_seconds)
        self.latency = metrics.UPSTREAM_LATENCY.labels(name)


def _valid_request_id(value: bytes) -> bool:
    return 0 < len(value) <= 128 and all(c in _VALID_ID for c in value)


def problem(
    status: int,
    detail: str,
    path: str,
    headers: list[tuple[bytes, bytes]] | None = None,
    extra: dict[str, Any] | None = None,
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    title = HTTPStatus(status).phrase
    body = {
        "type": PROBLEM_BASE + "-".join(title.lower().replace("'", "").split()),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": path,
        **(extra or {}),
    }
    raw = json.dumps(body).encode()
    out = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(raw)).encode())]
    return status, out + (headers or []), raw


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
        state: Any = None,
    ) -> None:
        self.app = app
        if state is not None:
            state.edge = self  # so the app's shutdown can close the pools
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

    def close(self) -> None:
        for upstream in self.upstreams.values():
            upstream.pool.close()

    def count(self, route: str, upstream: str, status: int) -> None:
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
        try:
            extra = [rid_header]
            if origin is not None and self.cors.allowed(origin):
                if method == "OPTIONS" and preflight_method is not None:
                    await _respond(
                        send, 204, extra + self.cors.preflight_headers(origin, None), b""
                    )
                    return
                extra += self.cors.response_headers(origin)
            if path in OPERATIONS:
                await self.app(scope, receive, _adding(send, extra))
                return
            if path == "/openapi.json":
                await self.spec(scope, receive, _adding(send, extra))
                return
            if path == "/readyz":
                await self.readiness(scope, receive, _adding(send, extra))
                return
            route = self.table.match(path)
            if route is None:
                await self._answer(
                    send, extra, *problem(404, f"No resource at {path}.", path), "unmatched", "none"
                )
                return
            await self._route(
                scope, receive, send, route, path, method, forward, extra, request_id,
                authorization, api_key, ckan_key, content_length, chunked, host, xff, xfp, xfh,
            )  # fmt: skip
        finally:
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
        await _respond(send, status, headers + extra, body)
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
        await self._proxy(
            scope, receive, send, route, self.upstreams[upstream_name], forward, extra,
            content_length, chunked,
        )  # fmt: skip

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

    async def _proxy(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        route: Route,
        upstream: Upstream,
        forward: list[tuple[bytes, bytes]],
        extra: list[tuple[bytes, bytes]],
        content_length: bytes | None,
        chunked: bool,
    ) -> None:
        path = scope["path"]
        method: str = scope["method"]
        limit = route.max_body_bytes or self.settings.max_body_bytes
        if content_length is not None:
            if not content_length.isdigit():
                await self._answer(
                    send, extra, *problem(400, "Invalid Content-Length.", path),
                    route.prefix, upstream.name,
                )  # fmt: skip
                return
            if int(content_length) > limit:
                await self._answer(
                    send, extra,
                    *problem(413, f"The request body is larger than {limit} bytes.", path,
                             [(b"connection", b"close")]),
                    route.prefix, upstream.name,
                )  # fmt: skip
                return
            forward.append((b"content-length", content_length))
            has_body = content_length != b"0"
            chunked = False
        elif chunked:
            forward.append((b"transfer-encoding", b"chunked"))
            has_body = True
        else:
            has_body = False
        breaker = upstream.breaker
        if not breaker.allow():
            after = breaker.retry_after()
            await self._answer(
                send, extra,
                *problem(503, f"The {upstream.name} service is unavailable; try again later.",
                         path, [(b"retry-after", str(after).encode())]),
                route.prefix, upstream.name,
            )  # fmt: skip
            return
        target = scope.get("raw_path") or path.encode()
        query = scope.get("query_string")
        if query:
            target = target + b"?" + query
        parts = [method.encode(), b" ", target, b" HTTP/1.1\r\n"]
        for name, value in forward:
            parts += (name, b": ", value, b"\r\n")
        parts.append(b"\r\n")
        head = b"".join(parts)
        timeout = route.timeout or self.settings.upstream_timeout_seconds
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        retry_allowed = method in IDEMPOTENT_METHODS and not has_body
        conn = None
        response: Response | None = None
        reused = False
        for attempt in (1, 2):
            try:
                conn, reused = await upstream.pool.acquire()
                response = conn.start(head, method == "HEAD")
                if has_body:
                    await _stream_body(conn, receive, chunked, limit)
                if not response.head_waiter.done():
                    timer = loop.call_later(
                        timeout,
                        response.fail,
                        UpstreamTimeout("the upstream did not answer in time"),
                    )
                    try:
                        await response.head_waiter
                    finally:
                        timer.cancel()
                break
            except UpstreamError as exc:
                if conn is not None:
                    conn.close()
                stale = reused and response is not None and not response.status
                if attempt == 1 and retry_allowed and (not exc.sent or stale):
                    conn = response = None
                    reused = False
                    continue
                breaker.failure()
                kind = (
                    "timeout"
                    if isinstance(exc, UpstreamTimeout)
                    else ("connect" if exc.connect else "broken")
                )
                metrics.UPSTREAM_FAILURES.labels(upstream.name, kind).inc()
                status = 504 if kind == "timeout" else 502
                log.warning("upstream %s failed: %s", upstream.name, exc)
                await self._answer(
                    send, extra,
                    *problem(status, f"The {upstream.name} service did not answer properly: {exc}",
                             path),
                    route.prefix, upstream.name,
                )  # fmt: skip
                return
            except BodyTooLarge:
                if conn is not None:
                    conn.close()  # the service never receives the whole request
                await _discard_body(receive)
                await self._answer(
                    send, extra,
                    *problem(413, f"The request body is larger than {limit} bytes.", path,
                             [(b"connection", b"close")]),
                    route.prefix, upstream.name,
                )  # fmt: skip
                return
            except (ClientGone, asyncio.CancelledError):
                if conn is not None:
                    conn.close()
                raise
        assert conn is not None and response is not None
        breaker.success()
        upstream.latency.observe(time.perf_counter() - started)
        out = list(extra)
        named: set[bytes] | None = None
        for name, value in response.headers:
            if name in DROP_FROM_RESPONSE:
                if name == b"connection":
                    named = connection_tokens(value)
                continue
            out.append((name, value))
        if named and named - {b"keep-alive", b"close"}:
            out = [(k, v) for k, v in out if k not in named]
        status = response.status
        try:
            await send({"type": "http.response.start", "status": status, "headers": out})
            if response.complete:
                await send({"type": "http.response.body", "body": response.take()})
            else:
                while True:
                    chunk = await response.read(timeout)
                    if chunk is None:
                        await send({"type": "http.response.body", "body": b""})
                        break
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except BaseException:
            conn.close()
            self.count(route.prefix, upstream.name, status)
            raise
        upstream.pool.release(conn)
        self.count(route.prefix, upstream.name, status)


def has_scope(scopes: frozenset[str], area: str, write: bool) -> bool:
    """`<area>:write` includes read."""
    return f"{area}:write" in scopes or (not write and f"{area}:read" in scopes)


async def _stream_body(conn: Any, receive: Receive, chunked: bool, limit: int) -> None:
    seen = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        body = message.get("body", b"")
        if body:
            seen += len(body)
            if seen > limit:
                raise BodyTooLarge
            await conn.write(b"%x\r\n%s\r\n" % (len(body), body) if chunked else body)
        if not message.get("more_body", False):
            break
    if chunked:
        await conn.write(b"0\r\n\r\n")


async def _discard_body(receive: Receive, cap: int = 4 * 1024 * 1024) -> None:
    """Read what the client is still sending, so it sees our 413 rather than a reset."""
    seen = 0
    while seen < cap:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return
        seen += len(message.get("body", b""))


def _split_chain(value: bytes | None) -> list[str]:
    if not value:
        return []
    return [part.strip() for part in value.decode("latin-1").split(",") if part.strip()]


async def _respond(
    send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _adding(send: Send, extra: list[tuple[bytes, bytes]]) -> Send:
    async def wrapped(message: Any) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [
                (k, v) for k, v in message.get("headers", []) if k != b"x-request-id"
            ] + extra
        await send(message)

    return wrapped
