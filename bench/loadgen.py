"""A closed-loop HTTP/1.1 load generator with low overhead, run in its own process.

Each of `concurrency` keep-alive connections sends the next request as soon as the previous
response is complete (uvloop + httptools, request bytes prepared once). Requests finished in
the warm-up are not counted; latencies of the measured window go into an HdrHistogram.
`python -m bench.loadgen URL ...` prints one JSON object; `load(...)` runs that and parses it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

import httptools
from hdrh.histogram import HdrHistogram


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    throughput: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def build_request(
    url: str, method: str, body: bytes | None, headers: dict[str, str] | None
) -> tuple[str, int, bytes]:
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    host = parts.hostname or "127.0.0.1"
    port = parts.port or 80
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: keep-alive"]
    for key, value in (headers or {}).items():
        lines.append(f"{key}: {value}")
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")
    return host, port, raw


class _Stats:
    def __init__(self) -> None:
        self.histogram = HdrHistogram(1, 120_000_000, 3)  # microseconds, up to 120 s
        self.requests = 0
        self.errors = 0
        self.statuses: dict[str, int] = {}
        self.recording = False

    def record(self, status: int, micros: int) -> None:
        if not self.recording:
            return
        self.requests += 1
        key = str(status)
        self.statuses[key] = self.statuses.get(key, 0) + 1
        if not 200 <= status < 400:
            self.errors += 1
        self.histogram.record_value(max(micros, 1))


class _Connection(asyncio.Protocol):
    """Sends its requests in turn (one, or a mix), the next as soon as an answer is complete."""

    def __init__(
        self, raws: list[bytes], turn: int, stats: _Stats, done: asyncio.Future[None]
    ) -> None:
        self.raws = raws
        self.turn = turn
        self.stats = stats
        self.done = done
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.started = 0
        self.stopping = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass
        self._send()

    def _send(self) -> None:
        assert self.transport is not None
        raw = self.raws[self.turn % len(self.raws)]
        self.turn += 1
        self.started = time.perf_counter_ns()
        self.transport.write(raw)

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self.stats.errors += 1
            assert self.transport is not None
            self.transport.close()

    def on_message_complete(self) -> None:
        self.stats.record(
            self.parser.get_status_code(), (time.perf_counter_ns() - self.started) // 1000
        )
        if self.stopping or not self.parser.should_keep_alive():
            assert self.transport is not None
            self.transport.close()
        else:
            self._send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


async def _worker(
    host: str, port: int, raws: list[bytes], turn: int, stats: _Stats, stop: asyncio.Event
) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        done: asyncio.Future[None] = loop.create_future()
        try:
            transport, protocol = await loop.create_connection(
                lambda done=done: _Connection(raws, turn, stats, done), host, port
            )
        except OSError:
            if stats.recording:
                stats.errors += 1
            await asyncio.sleep(0.05)
            continue
        stop_wait = asyncio.ensure_future(stop.wait())
        await asyncio.wait({done, stop_wait}, return_when=asyncio.FIRST_COMPLETED)
        if stop.is_set():
            protocol.stopping = True
            transport.close()
            stop_wait.cancel()
            return
        stop_wait.cancel()
        if stats.recording:
            stats.errors += 1  # the server closed a keep-alive connection mid-run


async def run_load(
    url: str,
    *,
    concurrency: int,
    duration: float,
    warmup: float,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    queries: Sequence[str] = (),
) -> LoadResult:
    """`queries`: a mix of query strings sent in turn (the connections start evenly spread
    over it), instead of the url's own."""
    urls = [f"{url.split('?', 1)[0]}?{q}" for q in queries] or [url]
    raws = [build_request(u, method, body, headers)[2] for u in urls]
    host, port, _ = build_request(url, method, body, headers)
    stats = _Stats()
    stop = asyncio.Event()
    workers = [
        asyncio.create_task(_worker(host, port, raws, i * len(raws) // concurrency, stats, stop))
        for i in range(concurrency)
    ]
    await asyncio.sleep(warmup)
    stats.recording = True
    started = time.perf_counter()
    await asyncio.sleep(duration)
    stats.recording = False
    seconds = time.perf_counter() - started
    stop.set()
    await asyncio.wait(workers, timeout=10)
    h = stats.histogram
    ms = lambda p: h.get_value_at_percentile(p) / 1000.0  # noqa: E731
    return LoadResult(
        requests=stats.requests,
        errors=stats.errors,
        seconds=round(seconds, 3),
        throughput=round(stats.requests / seconds, 1),
        p50_ms=ms(50),
        p95_ms=ms(95),
        p99_ms=ms(99),
        max_ms=h.get_max_value() / 1000.0,
        statuses=stats.statuses,
    )


class _Replaying(asyncio.Protocol):
    """A keep-alive connection that sends the next request of a shared queue as soon as the
    previous response is complete."""

    def __init__(
        self, queue: deque[bytes], statuses: dict[int, int], done: asyncio.Future[None]
    ) -> None:
        self.queue = queue
        self.statuses = statuses
        self.done = done
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.waiting = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)
        self._next()

    def _next(self) -> None:
        assert self.transport is not None
        if not self.queue:
            self.transport.close()
            return
        self.waiting = True
        self.transport.write(self.queue.popleft())

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            assert self.transport is not None
            self.transport.close()

    def on_message_complete(self) -> None:
        self.waiting = False
        code = self.parser.get_status_code()
        self.statuses[code] = self.statuses.get(code, 0) + 1
        if self.parser.should_keep_alive():
            self._next()
        else:
            assert self.transport is not None
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.waiting:  # dropped mid-request: reported as status 0
            self.statuses[0] = self.statuses.get(0, 0) + 1
        if not self.done.done():
            self.done.set_result(None)


async def replay(url: str, requests: list[bytes], concurrency: int) -> tuple[float, dict[int, int]]:
    """Send each of `requests` (raw HTTP/1.1, see `build_request`) once, over `concurrency`
    keep-alive connections; returns (seconds, answers per status). For workloads whose
    requests differ (ids, identities), at a small fraction of an HTTP client's cost."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    queue = deque(requests)
    statuses: dict[int, int] = {}
    loop = asyncio.get_running_loop()

    async def connection() -> None:
        while queue:
            done: asyncio.Future[None] = loop.create_future()
            try:
                await loop.create_connection(
                    lambda done=done: _Replaying(queue, statuses, done), host, port
                )
            except OSError:
                statuses[0] = statuses.get(0, 0) + 1
                queue.popleft()
                continue
            await done

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return time.perf_counter() - started, statuses


def load(
    url: str,
    concurrency: int = 16,
    duration: float = 10.0,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    warmup: float = 2.0,
    queries: Sequence[str] = (),
) -> LoadResult:
    """Run the generator in a separate process against `url` and return its result."""
    command = [
        sys.executable, "-m", "bench.loadgen", url,
        "--concurrency", str(concurrency),
        "--duration", str(duration),
        "--warmup", str(warmup),
        "--method", method,
    ]  # fmt: skip
    for key, value in (headers or {}).items():
        command += ["--header", f"{key}: {value}"]
    for query in queries:
        command += ["--query", query]
    result = subprocess.run(
        command, input=body or b"", capture_output=True, check=True, timeout=duration + warmup + 60
    )
    return LoadResult(**json.loads(result.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench.loadgen")
    parser.add_argument("url")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--method", default="GET")
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--query", action="append", default=[], help="a mix, sent in turn")
    args = parser.parse_args()
    headers = dict(h.split(": ", 1) for h in args.header)
    body = sys.stdin.buffer.read() if args.method in ("POST", "PUT", "PATCH") else None
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    result = asyncio.run(
        run_load(
            args.url,
            concurrency=args.concurrency,
            duration=args.duration,
            warmup=args.warmup,
            method=args.method,
            body=body,
            headers=headers,
            queries=args.query,
        )
    )
    print(json.dumps(result.as_dict()))


if __name__ == "__main__":
    main()
