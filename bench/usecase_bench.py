"""Use-case service figures (issue targets):

- GET one use case with all steps, one worker, concurrency 32: >= 2,000 req/s and
  p99 < 20 ms on PostgreSQL; next to the bare FastAPI "hello" measured right before;
- the portfolio ranking over 2,000 use cases (one query plus pure ranking, serialised):
  < 100 ms, in-process, and over HTTP at concurrency 1.

Seeds 2,000 complete use cases (the demo's three, with varied figures) straight into the
database. PostgreSQL when SMARTGOV_BENCH_POSTGRES_URL (or ..._TEST_...) names a server,
else SQLite (the targets are PostgreSQL's).
"""

from __future__ import annotations

import asyncio
import copy
import random
import statistics
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from bench.figures import figure
from bench.loadgen import load
from bench.processes import serve, wait_http
from bench.settings import backends, database, durations
from servicekit.db import Database, utcnow
from servicekit.identity import (
    InternalTokenSigner,
    Principal,
    PrincipalKind,
    Role,
    generate_keypair,
)
from servicekit.migrations import upgrade
from servicekit.runtime import settle_garbage_collector
from servicekit.testing.nats import NatsServer
from usecase_service import demo
from usecase_service.database import tenants
from usecase_service.parameters.service import defaults
from usecase_service.portfolio import service as portfolio
from usecase_service.usecases.figures import refresh
from usecase_service.usecases.models import DataRequirement, UseCase
from usecase_service.usecases.service import tag_index, to_detail

MUNICIPALITY = "benchstadt"
USE_CASES = 2000
CONCURRENCY = 32
MEMBER = Principal(
    kind=PrincipalKind.USER, subject="bench", memberships={MUNICIPALITY: frozenset({Role.EDITOR})}
)


def use_case_rows(count: int) -> list[UseCase]:
    rng = random.Random(7)
    settings = defaults(MUNICIPALITY)
    rows = []
    for i in range(count):
        spec = copy.deepcopy(demo.USE_CASES[i % 3])
        for item in spec["assessment"]["line_items"]:
            item["amount"] = round(item["amount"] * rng.uniform(0.5, 1.5), 2)
        for criterion in spec["assessment"]["criteria"]:
            criterion["points"] = rng.randint(0, 10)
        now = utcnow()
        use_case = UseCase(
            id=uuid.uuid4(),
            **{
                **spec["create"],
                "title": f"{spec['create']['title']} #{i}",
                "municipality": MUNICIPALITY,
                "planned_start": date.fromisoformat(spec["create"]["planned_start"]),
                "planned_end": date.fromisoformat(spec["create"]["planned_end"]),
            },
            tag_index=tag_index(spec["create"]["tags"]),
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


async def seed(url: str) -> list[uuid.UUID]:
    db = Database(url)
    try:
        async with db.transaction() as session:
            await tenants.seed_for_tests(session, MUNICIPALITY, "Benchstadt")
        rows = use_case_rows(USE_CASES)
        for start in range(0, len(rows), 500):
            async with db.transaction() as session:
                session.add_all(rows[start : start + 500])
        return [r.id for r in rows]
    finally:
        await db.dispose()


async def ranking_ms(url: str, rounds: int) -> float:
    """Median wall time of query + ranking + serialisation, in-process, with the garbage
    collector settled as a service has it after start-up."""
    settle_garbage_collector()
    db = Database(url)
    try:
        timings = []
        for _ in range(rounds + 2):
            started = time.perf_counter()
            body = await portfolio.portfolio(db, MEMBER, MUNICIPALITY)
            orjson.dumps(body, default=str)
            timings.append(time.perf_counter() - started)
        assert len(body["items"]) == USE_CASES or body["items"]
        return statistics.median(timings[2:]) * 1000
    finally:
        await db.dispose()


def run(quick: bool) -> list[dict[str, Any]]:
    backend = backends()[-1]
    d = durations(quick)
    private, public = generate_keypair()
    token = InternalTokenSigner(private, ttl_seconds=3600).sign(MEMBER)
    headers = {"X-SmartGov-Identity": token}
    note = f"{backend}; {USE_CASES} use cases; c={CONCURRENCY}"
    with (
        tempfile.TemporaryDirectory(prefix="smartgov-bench-") as tmp,
        database(backend, Path(tmp), "usecase") as url,
    ):
        upgrade("usecase_service:migrations", url)
        nats = NatsServer(Path(tmp) / "nats")
        nats.start()
        env = {
            "USECASE_DATABASE_URL": url,
            "SMARTGOV_NATS_URL": nats.url,
            "SMARTGOV_INTERNAL_TOKEN_PUBLIC_KEY": public,
            "SMARTGOV_LOG_LEVEL": "WARNING",
        }
        try:
            with serve(
                ["-m", "usecase_service", "serve", "--port", "{port}"],
                env=env,
                log=Path(tmp) / "usecase.log",
                wait=False,  # it starts while the data is seeded; nothing is measured yet
            ) as service:
                ids = asyncio.run(seed(url))
                wait_http(f"{service.url}/healthz", process=service.process)
                ranking = asyncio.run(ranking_ms(url, 5 if quick else 20))
                with serve(["-m", "bench.apps.hello", "serve", "--port", "{port}"]) as hello:
                    baseline = load(
                        f"{hello.url}/healthz",
                        concurrency=CONCURRENCY,
                        duration=d.measure,
                        warmup=d.warmup,
                    )
                get = load(
                    f"{service.url}/api/v1/use-cases/{ids[len(ids) // 2]}",
                    concurrency=CONCURRENCY,
                    duration=d.measure,
                    warmup=d.warmup,
                    headers=headers,
                )
                ranked = load(
                    f"{service.url}/api/v1/portfolio?municipality={MUNICIPALITY}",
                    concurrency=1,
                    duration=d.measure,
                    warmup=d.warmup,
                    headers=headers,
                )
        finally:
            nats.stop()
    return [
        figure(
            "usecase.get_use_case.throughput",
            get.throughput,
            "req/s",
            baseline=baseline.throughput,
            target=2000,
            note=f"{note}; baseline = FastAPI hello; errors {get.errors}",
        ),
        figure(
            "usecase.get_use_case.p99",
            get.p99_ms,
            "ms",
            baseline=baseline.p99_ms,
            target=20,
            better="lower",
            note=note,
        ),
        figure(
            "usecase.portfolio_ranking.in_process",
            ranking,
            "ms",
            target=100,
            better="lower",
            note=f"{backend}; query + ranking + JSON, median",
        ),
        figure(
            "usecase.portfolio_ranking.http_p50",
            ranked.p50_ms,
            "ms",
            target=100,
            better="lower",
            note=f"{backend}; c=1; errors {ranked.errors}",
        ),
    ]
