"""Use-case service benchmark on PostgreSQL.

    uv run python bench/usecase_service_bench.py [--quick] [--postgres URL]

Seeds 2,000 complete use cases into a fresh PostgreSQL database, then measures
- GET one use case with all steps: requests/s of one worker at concurrency 32 and p99
  latency (targets: >= 2,000 req/s, p99 < 20 ms), next to `/healthz` of the same worker
  as the "hello" ceiling;
- the portfolio ranking over 2,000 use cases (one query plus pure ranking; target < 100 ms),
  in-process and over HTTP.
The load generator is a separate process with raw keep-alive HTTP/1.1 connections.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import orjson

from servicekit.db import Database, utcnow
from servicekit.identity import (
    InternalTokenSigner,
    Principal,
    PrincipalKind,
    Role,
    generate_keypair,
)
from servicekit.migrations import upgrade
from servicekit.testing.databases import postgres_database
from servicekit.testing.nats import NatsServer, free_port, wait_for_port
from usecase_service import demo
from usecase_service.database import tenants
from usecase_service.parameters.service import defaults
from usecase_service.portfolio import service as portfolio
from usecase_service.usecases.figures import refresh
from usecase_service.usecases.models import DataRequirement, UseCase
from usecase_service.usecases.service import tag_index, to_detail

MUNICIPALITY = "benchstadt"
DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


# --- load generator (its own process) ----------------------------------------------------
class Connection(asyncio.Protocol):
    def __init__(self, requests: list[bytes], stats: dict[str, Any], deadline: float) -> None:
        self.requests = requests
        self.stats = stats
        self.deadline = deadline
        self.buffer = b""
        self.started = 0.0
        self.n = 0
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.send()

    def send(self) -> None:
        assert self.transport is not None
        self.started = time.perf_counter()
        self.transport.write(self.requests[self.n % len(self.requests)])
        self.n += 1

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].lower()
            at = head.find(b"content-length:")
            stop = head.find(b"\r\n", at)
            length = int(head[at + 15 : stop if stop > 0 else None])
            if len(self.buffer) < end + 4 + length:
                return
            status = int(head[9:12])
            self.buffer = self.buffer[end + 4 + length :]
            now = time.perf_counter()
            if status == 200:
                self.stats["latencies"].append(now - self.started)
            else:
                self.stats["errors"] += 1
            if now >= self.deadline:
                if not self.done.done():
                    self.done.set_result(None)
                assert self.transport is not None
                self.transport.close()
                return
            self.send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


async def _load(
    port: int, requests: list[bytes], concurrency: int, seconds: float
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    stats: dict[str, Any] = {"latencies": [], "errors": 0}
    started = time.perf_counter()
    deadline = started + seconds
    connections = []
    for i in range(concurrency):
        rotated = requests[i % len(requests) :] + requests[: i % len(requests)]
        _, protocol = await loop.create_connection(
            lambda r=rotated: Connection(r, stats, deadline), "127.0.0.1", port
        )
        connections.append(protocol)
    await asyncio.gather(*(c.done for c in connections))
    elapsed = time.perf_counter() - started
    latencies = sorted(stats["latencies"])
    return {
        "requests_per_second": round(len(latencies) / elapsed),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 2) if latencies else None,
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 2) if latencies else None,
        "errors": stats["errors"],
        "requests": len(latencies),
    }


def _load_process(args: tuple[int, list[bytes], int, float], queue: Any) -> None:
    queue.put(asyncio.run(_load(*args)))


def load(port: int, requests: list[bytes], concurrency: int, seconds: float) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(
        target=_load_process, args=((port, requests, concurrency, seconds), queue)
    )
    process.start()
    result = queue.get(timeout=seconds + 60)
    process.join()
    return result


# --- data ---------------------------------------------------------------------------------
def use_case_rows(count: int) -> list[UseCase]:
    rng = random.Random(7)
    settings = defaults(MUNICIPALITY)
    rows = []
    for i in range(count):
        spec = copy.deepcopy(demo.USE_CASES[i % 3])
        assessment = spec["assessment"]
        for item in assessment["line_items"]:
            item["amount"] = round(item["amount"] * rng.uniform(0.5, 1.5), 2)
        for criterion in assessment["criteria"]:
            criterion["points"] = rng.randint(0, 10)
        now = utcnow()
        tags = spec["create"]["tags"]
        use_case = UseCase(
            id=uuid.uuid4(),
            **{
                **spec["create"],
                "title": f"{spec['create']['title']} #{i}",
                "municipality": MUNICIPALITY,
                "planned_start": None,
                "planned_end": None,
            },
            tag_index=tag_index(tags),
            status=rng.choice(["draft", "assessed", "approved", "piloting", "in_operation"]),
            revision=1,
            version=1,
            flagged=False,
            supports=rng.randint(0, 500),
            participants=0,
            created_at=now,
            updated_at=now,
            data_requirements=[
                DataRequirement(
                    id=uuid.uuid4(),
                    **{k: v for k, v in need.items() if k != "find"},
                    dataset_withdrawn=False,
                    created_at=now,
                )
                for need in spec["data"]
            ],
            **{name: spec[name] for name in demo.STEPS},
        )
        refresh(use_case, settings)
        use_case.document = to_detail(use_case, []).model_dump_json()
        rows.append(use_case)
    return rows


async def seed(url: str, count: int) -> list[uuid.UUID]:
    db = Database(url)
    try:
        async with db.transaction() as session:
            await tenants.seed_for_tests(session, MUNICIPALITY, "Benchstadt")
        rows = use_case_rows(count)
        for start in range(0, count, 500):
            async with db.transaction() as session:
                session.add_all(rows[start : start + 500])
        return [r.id for r in rows]
    finally:
        await db.dispose()


async def ranking_in_process(url: str, rounds: int) -> dict[str, float]:
    db = Database(url)
    principal = Principal(
        kind=PrincipalKind.USER,
        subject="bench",
        memberships={MUNICIPALITY: frozenset({Role.ADMIN})},
    )
    try:
        timings = []
        for _ in range(rounds + 2):
            started = time.perf_counter()
            result = await portfolio.portfolio(db, principal, MUNICIPALITY)
            orjson.dumps(result, default=str)
            timings.append(time.perf_counter() - started)
        assert result["items"]
        timings = sorted(timings[2:])
        return {
            "use_cases_ranked": len(result["items"]),
            "median_ms": round(statistics.median(timings) * 1000, 1),
            "max_ms": round(timings[-1] * 1000, 1),
        }
    finally:
        await db.dispose()


def request(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: bench"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="shorter runs")
    parser.add_argument(
        "--postgres", default=os.environ.get("SMARTGOV_TEST_POSTGRES_URL", DEFAULT_PG)
    )
    parser.add_argument("--use-cases", type=int, default=2000)
    args = parser.parse_args()
    seconds = 4.0 if args.quick else 10.0
    private, public = generate_keypair()
    signer = InternalTokenSigner(private, ttl_seconds=3600)
    editor = signer.sign(
        Principal(
            kind=PrincipalKind.USER,
            subject="bench",
            memberships={MUNICIPALITY: frozenset({Role.EDITOR})},
        )
    )
    figures: dict[str, Any] = {}
    with (
        tempfile.TemporaryDirectory() as tmp,
        postgres_database(args.postgres, "ucbench") as url,
    ):
        upgrade("usecase_service:migrations", url)
        ids = asyncio.run(seed(url, args.use_cases))
        figures["portfolio_ranking_in_process"] = asyncio.run(
            ranking_in_process(url, 10 if args.quick else 30)
        )
        nats = NatsServer(Path(tmp) / "nats")
        nats.start()
        port = free_port()
        env = {
            **os.environ,
            "USECASE_DATABASE_URL": url,
            "SMARTGOV_NATS_URL": nats.url,
            "SMARTGOV_INTERNAL_TOKEN_PUBLIC_KEY": public,
            "SMARTGOV_LOG_LEVEL": "WARNING",
        }
        log = open(Path(tmp) / "server.log", "wb")  # noqa: SIM115
        server = subprocess.Popen(
            [sys.executable, "-m", "usecase_service", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            wait_for_port(port, timeout=30)
            headers = {"X-SmartGov-Identity": editor}
            time.sleep(1)
            load(port, [request("/healthz", {})], 8, 1.0)  # warm-up
            figures["hello_healthz_c32"] = load(port, [request("/healthz", {})], 32, seconds)
            gets = [request(f"/api/v1/use-cases/{i}", headers) for i in ids[:200]]
            load(port, gets, 8, 1.0)  # warm-up
            figures["get_use_case_c32"] = load(port, gets, 32, seconds)
            ranking = request(f"/api/v1/portfolio?municipality={MUNICIPALITY}", headers)
            figures["portfolio_http_c1"] = load(port, [ranking], 1, seconds / 2)
        finally:
            server.terminate()
            server.wait(timeout=20)
            log.close()
            nats.stop()
    get = figures["get_use_case_c32"]
    figures["targets"] = {
        "get_use_case_req_per_s>=2000": get["requests_per_second"] >= 2000,
        "get_use_case_p99_ms<20": (get["p99_ms"] or 1e9) < 20,
        "portfolio_ranking_ms<100": figures["portfolio_ranking_in_process"]["median_ms"] < 100,
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
