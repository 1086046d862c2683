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
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script, too

from bench.loadgen import build_request, replay
from participation_service.contributions.models import Contribution, Support
from participation_service.database import tenants
from participation_service.participants.models import Participant
from participation_service.processes.models import Phase, Process
from participation_service.pseudonyms import pseudonym
from participation_service.usecases.models import UseCaseView
from servicekit.db import Database
from servicekit.identity import (
    InternalTokenSigner,
    Principal,
    PrincipalKind,
    generate_keypair,
)
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
    participants with profiles and contributions (bulk inserts, not measured)."""
    now = datetime.now(UTC)
    process_id, phase_id, use_case_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    people = [pseudonym(SECRET, f"bench-{i}") for i in range(participants)]
    cids = [uuid.uuid4() for _ in range(contributions)]
    async with db.transaction() as s:
        if await s.scalar(select(tenants.table.c.slug).where(tenants.table.c.slug == MUN)) is None:
            await tenants.seed_for_tests(s, MUN, "Musterstadt")
        await s.execute(
            insert(UseCaseView).values(
                id=use_case_id,
                municipality=MUN,
                title="Bench",
                status="published",
                visibility="public",
                version=1,
                published=True,
                archived=False,
                updated_at=now,
            )
        )
        await s.execute(
            insert(Process).values(
                id=process_id,
                municipality=MUN,
                use_case_id=use_case_id,
                title="Bench",
                description="",
                visibility="public",
                allow_guests=False,
                categories=[],
                status="open",
                created_at=now,
                updated_at=now,
                version=1,
            )
        )
        await s.execute(
            insert(Phase).values(
                id=phase_id,
                process_id=process_id,
                position=0,
                kind="prioritisation",
                title="Bench",
                starts_at=now - timedelta(days=1),
                ends_at=now + timedelta(days=1),
                contribution_types=["idea"],
                supports_enabled=True,
                comments_enabled=True,
                support_budget=1000,
            )
        )
        known = set(
            (await s.scalars(select(Participant.id).where(Participant.id.in_(people)))).all()
        )
        fresh = [
            {"id": p, "stakeholder_group": GROUPS[i % 4], "created_at": now, "updated_at": now}
            for i, p in enumerate(people)
            if p not in known
        ]
        if fresh:
            await s.execute(insert(Participant), fresh)
        rows = [
            {
                "id": c,
                "process_id": process_id,
                "phase_id": phase_id,
                "municipality": MUN,
                "kind": "idea",
                "title": f"Idee {i}",
                "body": "Text",
                "author_id": people[i % participants],
                "stakeholder_group": GROUPS[i % 4],
                "source": "api",
                "state": "submitted",
                "hidden": False,
                "author_blocked": False,
                "report_count": 0,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for i, c in enumerate(cids)
        ]
        for start in range(0, len(rows), 5000):
            await s.execute(insert(Contribution), rows[start : start + 5000])
        supports = [
            {
                "id": uuid.uuid4(),
                "contribution_id": c,
                "process_id": process_id,
                "phase_id": phase_id,
                "participant_id": people[(ci + k) % participants],
                "stakeholder_group": GROUPS[(ci + k) % 4],
                "created_at": now,
            }
            for ci, c in enumerate(cids)
            for k in range(supports_per_contribution)
        ]
        for start in range(0, len(supports), 10000):
            await s.execute(insert(Support), supports[start : start + 10000])
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
    """POST every job's support once over `concurrency` keep-alive connections. Requests are
    prepared bytes (bench.loadgen.replay): an HTTP client would cost more CPU per request
    than the service on this shared machine and measure itself."""
    requests = [
        build_request(f"{base}/api/v1/contributions/{cid}/support", "POST", b"", headers)[2]
        for headers, cid in jobs
    ]
    return await replay(base, requests, concurrency)


async def count_supports(db: Database, column: str, value: object) -> int:
    async with db.sessions() as s:
        stmt = select(func.count()).select_from(Support).where(getattr(Support, column) == value)
        return int(await s.scalar(stmt) or 0)


async def run(url: str, quick: bool, workers: int, supports: int | None = None) -> dict:
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
        server = subprocess.Popen(  # noqa: ASYNC220
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
            stderr=open(Path(tmp) / "server.log", "w"),  # noqa: SIM115, ASYNC230
        )
        db = Database(url)
        try:
            participants = 500 if quick else 2000
            per_participant = 4 if quick else 10
            if supports:
                per_participant = max(1, supports // participants)
            # seeded while the workers start; nothing is measured before both are done
            seeded = await seed_process(db, contributions=200, participants=participants)
            wait_for_port(port, timeout=180)
            base = f"http://127.0.0.1:{port}"
            await wait_healthy(base)
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
                "exact_count": total == 50 + codes.get(201, 0),
                "count_in_db": total,
            }

            one = seeded["contributions"][0]
            fans = [headers_for(signer, f"fan-{i}") for i in range(200)]
            async with db.transaction() as s:
                now = datetime.now(UTC)
                fan_rows = [
                    {
                        "id": pseudonym(SECRET, f"fan-{i}"),
                        "stakeholder_group": "citizen",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in range(200)
                ]
                await s.execute(insert(Participant), fan_rows)
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
                await conn.exec_driver_sql("ANALYZE")
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
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # run the clean-up on SIGTERM
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--supports", type=int, help="supports in the sustained run")
    args = parser.parse_args()
    with postgres_database(admin_url(), prefix="smartgov_bench") as url:
        upgrade("participation_service:migrations", url)
        print(json.dumps(asyncio.run(run(url, args.quick, args.workers, args.supports)), indent=2))


if __name__ == "__main__":
    main()
