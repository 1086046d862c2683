"""Gateway proxy benchmark: the same upstream measured directly and through the gateway,
side by side in one run, by a load generator in a separate process.

    uv run python bench/gateway_proxy.py [--quick]

Figures (see `run`): proxied/direct throughput at concurrency 32 on a trivial endpoint
(target >= 0.5) and on a read of one record from the database (target >= 0.85), and the
median latency the gateway adds at concurrency 1 (target <= 0.5 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RECORD_PATH = "/api/v1/use-cases/6f1c9a52-5b0e-4c55-9d7e-2a8f7c1e0b11"
PING_PATH = "/api/v1/use-cases/ping"


# --- load generator (runs in its own process) -------------------------------------------
class _Client(asyncio.Protocol):
    """One keep-alive connection sending the next request as soon as a response is complete."""

    def __init__(self, request: bytes, stats: dict[str, Any], deadline: float) -> None:
        self.request = request
        self.stats = stats
        self.deadline = deadline
        self.buffer = b""
        self.started = 0.0
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self._send()

    def _send(self) -> None:
        self.started = time.perf_counter()
        assert self.transport is not None
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].lower()
            at = head.find(b"content-length:")
            if at < 0:
                self.stats["errors"] += 1
                self._finish()
                return
            length = int(
                head[at + 15 : head.find(b"\r\n", at) if head.find(b"\r\n", at) > 0 else None]
            )
            total = end + 4 + length
            if len(self.buffer) < total:
                return
            status = int(head[9:12])
            self.buffer = self.buffer[total:]
            now = time.perf_counter()
            if status == 200:
                self.stats["ok"] += 1
                self.stats["latencies"].append(now - self.started)
            else:
                self.stats["errors"] += 1
            if now >= self.deadline:
                self._finish()
                return
            self._send()

    def _finish(self) -> None:
        if self.transport is not None:
            self.transport.close()
        if not self.done.done():
            self.done.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


async def _load(
    port: int, path: str, concurrency: int, seconds: float, headers: str
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}Accept: */*\r\n\r\n"
    ).encode()
    stats: dict[str, Any] = {"ok": 0, "errors": 0, "latencies": []}
    started = time.perf_counter()
    deadline = started + seconds
    clients = []
    for _ in range(concurrency):
        _, client = await loop.create_connection(
            lambda: _Client(request, stats, deadline), "127.0.0.1", port
        )
        clients.append(client)
    await asyncio.gather(*(c.done for c in clients))
    elapsed = time.perf_counter() - started
    latencies = sorted(stats["latencies"])
    return {
        "rps": stats["ok"] / elapsed,
        "errors": stats["errors"],
        "p50_ms": statistics.median(latencies) * 1000 if latencies else None,
        "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000 if latencies else None,
    }


def _loadgen_main(args: argparse.Namespace) -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    headers = "".join(f"{h}\r\n" for h in args.header or [])
    result = asyncio.run(_load(args.port, args.path, args.concurrency, args.seconds, headers))
    print(json.dumps(result))


def load(
    port: int, path: str, concurrency: int, seconds: float, headers: list[str] = ()
) -> dict[str, Any]:
    cmd = [
        sys.executable, str(Path(__file__).resolve()), "--loadgen",
        "--port", str(port), "--path", path,
        "--concurrency", str(concurrency), "--seconds", str(seconds),
    ]  # fmt: skip
    for header in headers:
        cmd += ["--header", header]
    out = subprocess.run(cmd, capture_output=True, check=True, text=True, timeout=seconds + 60)
    return json.loads(out.stdout)


# --- the processes under test -------------------------------------------------------------
def _free_port() -> int:
    from servicekit.testing.nats import free_port

    return free_port()


def _wait_ready(port: int, path: str, timeout: float = 90.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}{path}", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"nothing answered on port {port} {path}")


class Stack:
    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="gateway-bench-"))
        self.children: list[subprocess.Popen[bytes]] = []
        self.nats: Any = None

    def __enter__(self) -> Stack:
        from servicekit.identity import generate_keypair
        from servicekit.migrations import upgrade
        from servicekit.testing.nats import NatsServer

        self.nats = NatsServer(self.tmp / "nats")
        self.nats.start()
        private, public = generate_keypair()
        self.upstream_port, self.gateway_port = _free_port(), _free_port()
        env = {
            **os.environ,
            "SMARTGOV_NATS_URL": self.nats.url,
            "SMARTGOV_LOG_LEVEL": "INFO",
            "SMARTGOV_INTERNAL_TOKEN_PUBLIC_KEY": public,
            "BENCH_UPSTREAM_DATABASE_URL": f"sqlite+aiosqlite:///{self.tmp / 'upstream.db'}",
            "GATEWAY_DATABASE_URL": f"sqlite+aiosqlite:///{self.tmp / 'gateway.db'}",
            "GATEWAY_INTERNAL_TOKEN_PRIVATE_KEY": private,
            "GATEWAY_USECASE_URL": f"http://127.0.0.1:{self.upstream_port}",
            "GATEWAY_PORT": str(self.gateway_port),
            "GATEWAY_DEV_AUTH": "true",
            "GATEWAY_DEV_AUTH_SECRET": "bench-secret-of-at-least-thirty-two-bytes",
            # The benchmark measures the proxy, not the limits: one caller, many requests.
            "GATEWAY_RATE_LIMITS": json.dumps(
                {"default": {"anonymous": [1e9, 1e9], "authenticated": [1e9, 1e9]}}
            ),
        }
        self.env = env
        upgrade("gateway:migrations", env["GATEWAY_DATABASE_URL"])
        log = open(self.tmp / "upstream.log", "wb")
        self.children.append(
            subprocess.Popen(
                [
                    sys.executable, "-m", "uvicorn", "--factory", "gateway_upstream:create_app",
                    "--app-dir", str(HERE), "--port", str(self.upstream_port),
                    "--no-access-log", "--no-server-header",
                ],
                env=env, stdout=log, stderr=log,
            )
        )  # fmt: skip
        log = open(self.tmp / "gateway.log", "wb")
        self.children.append(
            subprocess.Popen(
                [sys.executable, "-m", "gateway", "serve"], env=env, stdout=log, stderr=log
            )
        )
        try:
            _wait_ready(self.upstream_port, PING_PATH)
            _wait_ready(self.gateway_port, PING_PATH)
        except TimeoutError:
            for name in ("upstream.log", "gateway.log"):
                print(name, (self.tmp / name).read_text()[-3000:], file=sys.stderr)
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for child in self.children:
            child.send_signal(signal.SIGTERM)
        for child in self.children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        self.nats.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


def _dev_token() -> str:
    import jwt

    now = int(time.time())
    claims = {
        "iss": "smartgov-dev", "aud": "smartgov-gateway", "sub": "bench", "name": "Bench",
        "iat": now, "exp": now + 3600, "roles": [], "municipalities": {"musterstadt": ["editor"]},
    }  # fmt: skip
    return jwt.encode(claims, "bench-secret-of-at-least-thirty-two-bytes", algorithm="HS256")


def _side_by_side(
    stack: Stack, path: str, concurrency: int, seconds: float, rounds: int, headers: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Alternate direct and proxied rounds, so both see the same machine load."""
    warmup = seconds / 2
    load(stack.upstream_port, path, concurrency, warmup)
    load(stack.gateway_port, path, concurrency, warmup, headers)
    direct, proxied = [], []
    for _ in range(rounds):
        direct.append(load(stack.upstream_port, path, concurrency, seconds))
        proxied.append(load(stack.gateway_port, path, concurrency, seconds, headers))
    return direct, proxied


def _median(results: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in results)


def run(quick: bool = False) -> list[dict[str, Any]]:
    # Short alternating rounds and the median of the per-round ratios: on a shared machine
    # the load of other processes changes within seconds, and both sides of a pair see the same.
    seconds, rounds = (0.75, 2) if quick else (3.0, 5)
    figures: list[dict[str, Any]] = []
    with Stack() as stack:
        for name, path, target, headers in (
            ("gateway proxy throughput, trivial GET, c=32", PING_PATH, 0.5, []),
            ("gateway proxy throughput, read by id, c=32", RECORD_PATH, 0.85, []),
            (
                "gateway proxy throughput, trivial GET with dev token, c=32",
                PING_PATH,
                0.5,
                [f"Authorization: Bearer {_dev_token()}"],
            ),
        ):
            direct, proxied = _side_by_side(stack, path, 32, seconds, rounds, headers)
            base, value = _median(direct, "rps"), _median(proxied, "rps")
            ratio = statistics.median(
                p["rps"] / d["rps"] for d, p in zip(direct, proxied, strict=True) if d["rps"]
            )
            figures.append(
                {
                    "name": name,
                    "value": round(value, 1),
                    "unit": "req/s",
                    "baseline": round(base, 1),
                    "ratio": round(ratio, 3),
                    "target": target,
                    "passed": ratio >= target,
                    "errors": sum(r["errors"] for r in direct + proxied),
                }
            )
        direct, proxied = _side_by_side(stack, PING_PATH, 1, seconds, rounds, [])
        base, value = _median(direct, "p50_ms"), _median(proxied, "p50_ms")
        added = statistics.median(
            p["p50_ms"] - d["p50_ms"] for d, p in zip(direct, proxied, strict=True)
        )
        figures.append(
            {
                "name": "gateway added median latency, trivial GET, c=1",
                "value": round(added, 3),
                "unit": "ms",
                "baseline": round(base, 3),
                "ratio": round(value / base, 3) if base else None,
                "target": 0.5,
                "passed": added <= 0.5,
            }
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--loadgen", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int)
    parser.add_argument("--path")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--header", action="append")
    args = parser.parse_args()
    if args.loadgen:
        _loadgen_main(args)
        return
    for figure in run(args.quick):
        verdict = "PASS" if figure["passed"] else "FAIL"
        print(
            f"{verdict}  {figure['name']}: {figure['value']} {figure['unit']} "
            f"(direct {figure['baseline']}, ratio {figure['ratio']}, target {figure['target']})"
        )


if __name__ == "__main__":
    main()
