"""Participation benchmark on PostgreSQL, through HTTP against the real service (uvicorn):

1. sustained supports/s from many participants, then exact counts in the database;
2. 200 concurrent supports on one contribution from 200 participants -> exactly 200;
3. GET results of a process with 10,000 contributions and 100,000 supports (median, p95).

    SMARTGOV_BENCH_POSTGRES_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/postgres \
        uv run python bench/participation_supports.py [--quick] [--workers 2]

Setup data is written with bulk SQL (not measured); measured requests carry real signed
identity tokens and pass every rule of the service.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import text

from participation_service.pseudonyms import pseudonym
from servicekit.db import Database
from servicekit.identity import InternalTokenSigner, Principal, PrincipalKind, generate_keypair
from servicekit.migrations import upgrade
from servicekit.testing.databases import postgres_database
from servicekit.testing.nats import NatsServer, free_port, wait_for_port

SECRET = "bench-secret"
MUN = "musterstadt"
GROUPS = ("citizen", "business", "administration", "other")


def admin_url() -> str:
    url = os.environ.get("SMARTGOV_BENCH_POSTGRES_URL") or os.environ.get(
        "SMARTGOV_TEST_POSTGRES_URL"
    )
    if not url:
        sys.exit("set SMARTGOV_BENCH_POSTGRES_URL (a PostgreSQL admin URL)")
    return url


async def seed_process(
    db: Database, contributions: int, participants: int, supports_per_contribution: int = 0
) -> dict:
    """A municipality, a published use case, an open process in its supports phase,
    participants with profiles and contributions (bulk SQL)."""
    now = datetime.now(UTC)
    process_id, phase_id, use_case_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    people = [pseudonym(SECRET, f"bench-{i}") for i in range(participants)]
    cids = [uuid.uuid4() for _ in range(contributions)]
    async with db.transaction() as s:
        await s.execute(
            text(
                "INSERT INTO municipalities (id, slug, name, active, updated_at) VALUES (:id, :slug, 'M', true, :t) ON CONFLICT DO NOTHING"
            ),
            {"id": uuid.uuid4(), "slug": MUN, "t": now},
        )
        await s.execute(
            text(
                "INSERT INTO use_cases (id, municipality, title, status, visibility, version, published, archived, updated_at) "
                "VALUES (:id, :m, 'Bench', 'published', 'public', 1, true, false, :t)"
            ),
            {"id": use_case_id, "m": MUN, "t": now},
        )
        await s.execute(
            text(
                "INSERT INTO processes (id, municipality, use_case_id, title, description, visibility, allow_guests, categories, status, created_at, updated_at, version) "
                "VALUES (:id, :m, :u, 'Bench', '', 'public', false, '[]', 'open', :t, :t, 1)"
            ),
            {"id": process_id, "m": MUN, "u": use_case_id, "t": now},
        )
        await s.execute(
            text(
                "INSERT INTO phases (id, process_id, position, kind, title, starts_at, ends_at, contribution_types, supports_enabled, comments_enabled, support_budget) "
                "VALUES (:id, :p, 0, 'prioritisation', 'Bench', :a, :b, '[\"idea\"]', true, true, 1000)"
            ),
            {
                "id": phase_id,
                "p": process_id,
                "a": now - timedelta(days=1),
                "b": now + timedelta(days=1),
            },
        )
        await s.execute(
            text(
                "INSERT INTO participants (id, stakeholder_group, created_at, updated_at) VALUES (:id, :g, :t, :t) ON CONFLICT DO NOTHING"
            ),
            [{"id": p, "g": GROUPS[i % 4], "t": now} for i, p in enumerate(people)],
        )
        for start in range(0, contributions, 5000):
            await s.execute(
                text(
                    "INSERT INTO contributions (id, process_id, phase_id, municipality, kind, title, body, author_id, stakeholder_group, source, state, hidden, author_blocked, report_count, created_at, updated_at, version) "
                    "VALUES (:id, :p, :ph, :m, 'idea', :title, 'Text', :a, :g, 'api', 'submitted', false, false, 0, :t, :t, 1)"
                ),
                [
                    {
                        "id": c,
                        "p": process_id,
                        "ph": phase_id,
                        "m": MUN,
                        "title": f"Idee {start + i}",
                        "a": people[(start + i) % participants],
                        "g": GROUPS[(start + i) % 4],
                        "t": now,
                    }
                    for i, c in enumerate(cids[start : start + 5000])
                ],
            )
        if supports_per_contribution:
            rows = [
                {
                    "id": uuid.uuid4(),
                    "c": c,
                    "p": process_id,
                    "ph": phase_id,
                    "who": people[(ci + k) % participants],
                    "g": GROUPS[(ci + k) % 4],
                    "t": now,
                }
                for ci, c in enumerate(cids)
                for k in range(supports_per_contribution)
            ]
            for start in range(0, len(rows), 10000):
                await s.execute(
                    text(
                        "INSERT INTO supports (id, contribution_id, process_id, phase_id, participant_id, stakeholder_group, created_at) "
                        "VALUES (:id, :c, :p, :ph, :who, :g, :t)"
                    ),
                    rows[start : start + 10000],
                )
    return {"process_id": process_id, "phase_id": phase_id, "contributions": cids}


async def wait_healthy(base: str, timeout: float = 180) -> None:
    """Every worker answers (uvicorn binds the port before its workers are ready)."""
    deadline = time.monotonic() + timeout
    ok = 0
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:
        while ok < 20:
            try:
                ok = ok + 1 if (await client.get("/healthz")).status_code == 200 else 0
            except httpx.HTTPError:
                ok = 0
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)


def headers_for(signer: InternalTokenSigner, sub: str) -> dict[str, str]:
    token = signer.sign(Principal(kind=PrincipalKind.USER, subject=sub, name=sub))
    return {"X-SmartGov-Identity": token}


async def hammer(
    base: str, jobs: list[tuple[dict[str, str], uuid.UUID]], concurrency: int
) -> tuple[float, dict[int, int]]:
    codes: dict[int, int] = {}
    queue: asyncio.Queue[tuple[dict[str, str], uuid.UUID]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def worker() -> None:
            while not queue.empty():
                headers, cid = queue.get_nowait()
                try:
                    r = await client.post(f"/api/v1/contributions/{cid}/support", headers=headers)
                    code = r.status_code
                except httpx.TransportError:
                    code = 0  # connection dropped; reported, and the counts show what happened
                codes[code] = codes.get(code, 0) + 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - start, codes


async def count_supports(db: Database, where: str, value: object) -> int:
    async with db.sessions() as s:
        return int(
            (
                await s.execute(
                    text(f"SELECT count(*) FROM supports WHERE {where} = :v"), {"v": value}
                )
            ).scalar_one()
        )  # noqa: S608


async def run(url: str, quick: bool, workers: int) -> dict:
    report: dict = {}
    private, public = generate_keypair()
    signer = InternalTokenSigner(private, ttl_seconds=3600)
    with tempfile.TemporaryDirectory() as tmp:
        nats = NatsServer(Path(tmp) / "nats")
        nats.start()
        port = free_port()
        env = os.environ | {
            "PARTICIPATION_DATABASE_URL": url,
            "PARTICIPATION_PSEUDONYM_SECRET": SECRET,
            "PARTICIPATION_WRITES_PER_MINUTE_PARTICIPANT": "1000000",
            "PARTICIPATION_WRITES_PER_MINUTE_IP": "100000000",
            "SMARTGOV_INTERNAL_TOKEN_PUBLIC_KEY": public,
            "SMARTGOV_NATS_URL": nats.url,
            "SMARTGOV_LOG_LEVEL": "WARNING",
            "SMARTGOV_DB_POOL_SIZE": "20",
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "participation_service",
                "serve",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(Path(tmp) / "server.log", "w"),  # noqa: SIM115
        )
        db = Database(url)
        try:
            wait_for_port(port, timeout=180)
            base = f"http://127.0.0.1:{port}"
            await wait_healthy(base)
            participants = 500 if quick else 2000
            per_participant = 4 if quick else 10
            seeded = await seed_process(db, contributions=200, participants=participants)
            headers = [headers_for(signer, f"bench-{i}") for i in range(participants)]
            jobs = [
                (headers[p], seeded["contributions"][(p + k * 7) % 200])
                for k in range(per_participant)
                for p in range(participants)
            ]
            await hammer(base, jobs[:50], 10)  # warm-up
            elapsed, codes = await hammer(base, jobs[50:], 64)
            total = await count_supports(db, "process_id", seeded["process_id"])
            report["supports"] = {
                "requests": len(jobs) - 50,
                "seconds": round(elapsed, 2),
                "per_second": round((len(jobs) - 50) / elapsed),
                "status_codes": codes,
                "exact_count": total == len(jobs),
                "count_in_db": total,
            }

            one = seeded["contributions"][0]
            fans = [headers_for(signer, f"fan-{i}") for i in range(200)]
            async with db.transaction() as s:
                now = datetime.now(UTC)
                await s.execute(
                    text(
                        "INSERT INTO participants (id, stakeholder_group, created_at, updated_at) VALUES (:id, 'citizen', :t, :t)"
                    ),
                    [{"id": pseudonym(SECRET, f"fan-{i}"), "t": now} for i in range(200)],
                )
            before = await count_supports(db, "contribution_id", one)
            elapsed, codes = await hammer(base, [(f, one) for f in fans], 200)
            after = await count_supports(db, "contribution_id", one)
            report["one_contribution_200_concurrent"] = {
                "seconds": round(elapsed, 2),
                "status_codes": codes,
                "added": after - before,
                "exact": after - before == 200,
            }

            n_contrib, per = (2000, 10) if quick else (10000, 10)
            big = await seed_process(
                db, contributions=n_contrib, participants=2000, supports_per_contribution=per
            )
            async with db.engine.connect() as conn:
                await conn.execute(text("ANALYZE"))
            timings = []
            async with httpx.AsyncClient(base_url=base, timeout=60) as client:
                for _ in range(3):
                    await client.get(f"/api/v1/processes/{big['process_id']}/results")
                for _ in range(5 if quick else 15):
                    start = time.perf_counter()
                    r = await client.get(f"/api/v1/processes/{big['process_id']}/results")
                    timings.append((time.perf_counter() - start) * 1000)
                    assert r.status_code == 200, r.text
                body = r.json()
            timings.sort()
            report["results"] = {
                "contributions": body["totals"]["contributions"],
                "supports": body["totals"]["supports"],
                "median_ms": round(statistics.median(timings), 1),
                "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
                "bytes": len(r.content),
            }
        finally:
            log = (Path(tmp) / "server.log").read_text()
            if "Traceback" in log or "ERROR" in log:
                print(log[-4000:], file=sys.stderr)
            await db.dispose()
            server.terminate()
            server.wait(timeout=20)
            nats.stop()
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with postgres_database(admin_url(), prefix="smartgov_bench") as url:
        upgrade("participation_service:migrations", url)
        print(json.dumps(asyncio.run(run(url, args.quick, args.workers)), indent=2))


if __name__ == "__main__":
    main()
