"""A pooled HTTP/1.1 client on asyncio protocols and httptools, built for the proxy's hot path.

Why not httpx or aiohttp here: per request they allocate and check far more than a proxy
needs (the figures are in docs/gateway.md). This client keeps idle keep-alive connections
per upstream, writes the request head in one call, streams bodies both ways with
back-pressure, and hands the parsed response over without copying.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from typing import Any, cast

import httptools

READ_BUFFER_HIGH = 256 * 1024


class UpstreamError(Exception):
    """The upstream could not be reached or broke the exchange."""

    def __init__(self, message: str, *, connect: bool = False, sent: bool = True) -> None:
        super().__init__(message)
        self.connect = connect
        self.sent = sent  # False: nothing reached the upstream, any method may be retried


class UpstreamTimeout(UpstreamError):
    pass


class Response:
    """One upstream response: status and headers at once, the body as it arrives."""

    __slots__ = (
        "_connection",
        "_waiter",
        "buffered",
        "chunks",
        "complete",
        "error",
        "head_waiter",
        "headers",
        "keep_alive",
        "status",
    )

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []
        self.buffered = 0
        self.complete = False
        self.keep_alive = True
        self.error: UpstreamError | None = None
        self._waiter: asyncio.Future[None] | None = None
        self.head_waiter: asyncio.Future[None] = connection.loop.create_future()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def take(self) -> bytes:
        """Everything buffered so far (may be empty)."""
        if not self.chunks:
            return b""
        data = self.chunks[0] if len(self.chunks) == 1 else b"".join(self.chunks)
        self.chunks.clear()
        if self.buffered > READ_BUFFER_HIGH:
            self._connection.resume_reading()
        self.buffered = 0
        return data

    async def read(self, timeout: float) -> bytes | None:
        """The next piece of the body; None at its end."""
        while True:
            if self.chunks:
                return self.take()
            if self.complete:
                return None
            if self.error is not None:
                raise self.error
            self._waiter = self._connection.loop.create_future()
            handle = self._connection.loop.call_later(timeout, self._timed_out)
            try:
                await self._waiter
            finally:
                handle.cancel()
                self._waiter = None

    def _timed_out(self) -> None:
        self.fail(UpstreamTimeout("upstream sent no data in time"))

    def fail(self, error: UpstreamError) -> None:
        if self.complete or self.error is not None:
            return
        self.error = error
        if not self.head_waiter.done():
            self.head_waiter.set_exception(error)
            self.head_waiter.exception()  # nobody may wait for it any more: no warning
        self._wake()


class Connection(asyncio.Protocol):
    """One keep-alive connection to an upstream; carries one exchange at a time."""

    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.loop = pool.loop
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.response: Response | None = None
        self.closed = False
        self.idle_since = 0.0
        self.head_only = False
        self._write_paused = False
        self._drain: asyncio.Future[None] | None = None

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transport is no subclass of asyncio.Transport, so no isinstance check.
        self.transport = cast(asyncio.Transport, transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        response = self.response
        if response is not None and not response.complete:
            response.fail(
                UpstreamError("upstream closed the connection", sent=bool(response.status))
            )
        if self._drain is not None and not self._drain.done():
            self._drain.set_exception(UpstreamError("upstream closed the connection"))
        self.pool.forget(self)

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            if self.response is not None:
                self.response.fail(UpstreamError(f"upstream sent invalid HTTP: {exc}"))
            self.close()

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
        self._write_paused = False
        if self._drain is not None and not self._drain.done():
            self._drain.set_result(None)

    def resume_reading(self) -> None:
        if self.transport is not None and not self.closed:
            self.transport.resume_reading()

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        if self.response is not None:
            self.response.headers.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        response = self.response
        if response is None:
            return
        response.status = self.parser.get_status_code()
        response.keep_alive = self.parser.should_keep_alive()
        if self.head_only:
            # A HEAD answer announces a body that never comes: end here, do not reuse.
            response.keep_alive = False
            response.complete = True
        if not response.head_waiter.done():
            response.head_waiter.set_result(None)

    def on_body(self, body: bytes) -> None:
        response = self.response
        if response is None or response.complete:
            return
        response.chunks.append(body)
        response.buffered += len(body)
        if response.buffered > READ_BUFFER_HIGH and self.transport is not None:
            self.transport.pause_reading()
        response._wake()

    def on_message_complete(self) -> None:
        response = self.response
        if response is None:
            return
        response.complete = True
        response._wake()

    # used by the proxy
    def start(self, head: bytes, head_only: bool) -> Response:
        self.head_only = head_only
        response = self.response = Response(self)
        assert self.transport is not None
        self.transport.write(head)
        return response

    async def write(self, data: bytes) -> None:
        if self.closed or self.transport is None:
            raise UpstreamError("upstream closed the connection")
        self.transport.write(data)
        if self._write_paused:
            self._drain = self.loop.create_future()
            await self._drain

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class Pool:
    """Idle keep-alive connections to one upstream (host:port), newest first."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        max_idle: int = 100,
        idle_timeout: float = 4.0,
        connect_timeout: float = 2.0,
    ) -> None:
        self.host = host
        self.port = port
        self.max_idle = max_idle
        # Below uvicorn's keep-alive (5 s), so we drop a connection before the upstream does.
        self.idle_timeout = idle_timeout
        self.connect_timeout = connect_timeout
        self.idle: collections.deque[Connection] = collections.deque()
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        return self._loop

    async def acquire(self) -> tuple[Connection, bool]:
        """A connection and whether it was reused from the pool."""
        now = self.loop.time()
        while self.idle:
            conn = self.idle.pop()
            if conn.closed:
                continue
            if now - conn.idle_since > self.idle_timeout:
                conn.close()
                continue
            return conn, True
        return await self.connect(), False

    async def connect(self) -> Connection:
        try:
            async with asyncio.timeout(self.connect_timeout):
                _, protocol = await self.loop.create_connection(
                    lambda: Connection(self), self.host, self.port
                )
        except TimeoutError as exc:
            raise UpstreamTimeout(
                "connecting to the upstream timed out", connect=True, sent=False
            ) from exc
        except OSError as exc:
            raise UpstreamError(
                f"cannot connect to the upstream: {exc}", connect=True, sent=False
            ) from exc
        return protocol

    def release(self, conn: Connection) -> None:
        response = conn.response
        conn.response = None
        if (
            conn.closed
            or response is None
            or not response.complete
            or not response.keep_alive
            or len(self.idle) >= self.max_idle
        ):
            conn.close()
            return
        conn.idle_since = self.loop.time()
        self.idle.append(conn)

    def forget(self, conn: Connection) -> None:
        with contextlib.suppress(ValueError):
            self.idle.remove(conn)

    def close(self) -> None:
        while self.idle:
            self.idle.pop().close()


def split_host_port(url: str) -> tuple[str, int, str]:
    """(host, port, scheme) of an upstream base URL like http://127.0.0.1:8001."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"upstream URL must be http://host[:port], got {url!r}")
    return parts.hostname, parts.port or 80, parts.scheme


__all__: list[Any] = ["Connection", "Pool", "Response", "UpstreamError", "UpstreamTimeout"]
