"""Forwarding one request to an upstream and streaming the answer back."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from starlette.types import Receive, Scope, Send

from gateway.edge import metrics
from gateway.edge.breaker import CircuitBreaker
from gateway.edge.headers import DROP_FROM_RESPONSE, connection_tokens
from gateway.edge.responses import problem, reply
from gateway.proxy.client import Pool, Response, UpstreamError, UpstreamTimeout, split_host_port
from gateway.routing import IDEMPOTENT_METHODS
from gateway.settings import Settings

log = logging.getLogger("gateway.proxy")


class BodyTooLarge(Exception):
    pass


class ClientGone(Exception):
    """The client went away while sending its body."""


class Upstream:
    def __init__(self, name: str, url: str, settings: Settings) -> None:
        host, port, _ = split_host_port(url)
        self.host_header = f"{host}:{port}".encode()  # for clients that sent no Host
        self.name = name
        self.url = url.rstrip("/")
        self.pool = Pool(host, port, connect_timeout=settings.connect_timeout_seconds)
        self.breaker = CircuitBreaker(settings.breaker_failures, settings.breaker_open_seconds)
        self.latency = metrics.UPSTREAM_LATENCY.labels(name)


async def forward(
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    upstream: Upstream,
    headers: list[tuple[bytes, bytes]],
    extra: list[tuple[bytes, bytes]],
    content_length: bytes | None,
    chunked: bool,
    limit: int,
    timeout: float,
) -> int:
    """Send the request to the upstream and its answer to the client; returns the status.
    `headers` are the request headers to forward, `extra` the ones to add to the answer."""
    path = scope["path"]
    method: str = scope["method"]
    forward = headers
    if content_length is not None:
        if not content_length.isdigit():
            return await reply(
                send, extra, *problem(400, "Invalid Content-Length.", path),
            )  # fmt: skip
        if int(content_length) > limit:
            return await reply(
                send, extra,
                *problem(413, f"The request body is larger than {limit} bytes.", path,
                         [(b"connection", b"close")]),
            )  # fmt: skip
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
        return await reply(
            send, extra,
            *problem(503, f"The {upstream.name} service is unavailable; try again later.",
                     path, [(b"retry-after", str(after).encode())]),
        )  # fmt: skip
    target = scope.get("raw_path") or path.encode()
    query = scope.get("query_string")
    if query:
        target = target + b"?" + query
    parts = [method.encode(), b" ", target, b" HTTP/1.1\r\n"]
    for name, value in forward:
        parts += (name, b": ", value, b"\r\n")
    parts.append(b"\r\n")
    head = b"".join(parts)
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
                await stream_body(conn, receive, chunked, limit)
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
            return await reply(
                send, extra,
                *problem(status, f"The {upstream.name} service did not answer properly: {exc}",
                         path),
            )  # fmt: skip
        except BodyTooLarge:
            if conn is not None:
                conn.close()  # the service never receives the whole request
            await discard_body(receive)
            return await reply(
                send, extra,
                *problem(413, f"The request body is larger than {limit} bytes.", path,
                         [(b"connection", b"close")]),
            )  # fmt: skip
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
        raise
    upstream.pool.release(conn)
    return status


async def stream_body(conn: Any, receive: Receive, chunked: bool, limit: int) -> None:
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


async def discard_body(receive: Receive, cap: int = 4 * 1024 * 1024) -> None:
    """Read what the client is still sending, so it sees our 413 rather than a reset."""
    seen = 0
    while seen < cap:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return
        seen += len(message.get("body", b""))
