"""Catalogue benchmarks: package_search latency, harvest throughput, streamed export memory.

Standalone (any size); `bench/catalog_search_bench.py` runs it inside `python -m bench`:

    uv run python bench/catalog_search.py --db postgres --datasets 100000
    uv run python bench/catalog_search.py --db sqlite --datasets 20000 --quick

PostgreSQL needs SMARTGOV_TEST_POSTGRES_URL (an admin URL; a scratch database is created and
dropped). The service runs as its own process (`catalog-service serve`), the load comes from
this one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import httpx
from sqlalchemy import insert, select, text, update

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a script: `bench` is importable

from bench.loadgen import load  # noqa: E402
from bench.processes import serve  # noqa: E402
from catalog_service.database import Base, tenants  # noqa: E402
from catalog_service.datasets.indexing import document, facet_values, search_entry  # noqa: E402
from catalog_service.datasets.models import Dataset, DatasetFacet, Distribution  # noqa: E402
from catalog_service.harvest.models import HarvestSource  # noqa: E402
from catalog_service.harvest.service import run_harvest  # noqa: E402
from catalog_service.organizations.models import Organization  # noqa: E402
from catalog_service.search.backends import backend_for  # noqa: E402
from servicekit.db import Database, utcnow  # noqa: E402
from servicekit.migrations import upgrade  # noqa: E402
from servicekit.testing.databases import postgres_database  # noqa: E402
from servicekit.testing.nats import free_port, wait_for_port  # noqa: E402

WORDS = ["Parken", "Verkehr", "Bäume", "Radverkehr", "Luftqualität", "Haushalt", "Schulen",
         "Kita", "Wahlen", "Baustellen", "Lärm", "Wasser", "Energie", "Abfall", "Bevölkerung",
         "Ladesäulen", "Sensoren", "Gewerbe", "Tourismus", "Sport"]  # fmt: skip
THEMES = ["TRAN", "ENVI", "GOVE", "SOCI", "EDUC", "ECON", "HEAL", "REGI", "ENER", "AGRI"]
FORMATS = ["CSV", "JSON", "GEOJSON", "PDF", "XLSX", "XML"]
LICENSES = ["dl-by-de/2.0", "dl-zero-de/2.0", "cc-by/4.0", "cc-zero"]
MUNICIPALITIES = ["musterstadt", "beispieldorf", "neustadt"]


async def generate(url: str, n: int) -> None:
    """n datasets with distributions, facets and the search index, loaded in bulk."""
    db = Database(url)
    backend = backend_for(db.dialect)
    rng = random.Random(42)
    async with db.transaction() as session:
        for m in MUNICIPALITIES:
            await tenants.seed_for_tests(session, m, m.title())
        orgs = []
        for i in range(12):
            org = Organization(
                id=uuid.uuid4(), municipality=MUNICIPALITIES[i % 3], name=f"amt-{i}",
                title=f"Amt {i} {MUNICIPALITIES[i % 3].title()}", description="",
                contributor_id="openNRW", political_geocoding_level="municipality",
            )  # fmt: skip
            session.add(org)
            orgs.append(org)
    now = utcnow()
    batch = 2000
    for start in range(0, n, batch):
        datasets, dists, facets, docs = [], [], [], []
        for i in range(start, min(n, start + batch)):
            org = orgs[i % len(orgs)]
            words = rng.sample(WORDS, 3)
            ds = SimpleNamespace(
                id=uuid.uuid4(), municipality=org.municipality, organization_id=org.id,
                name=f"datensatz-{i}", title=f"{words[0]} und {words[1]} {i}",
                description=f"Daten über {words[0]}, {words[1]} und {words[2]} in "
                f"{org.municipality.title()}. Jährlich aktualisiert.",
                status="published", keywords=words, themes=rng.sample(THEMES, 2),
                license_id=rng.choice(LICENSES), contact_email="opendata@example.org",
                extras={}, metadata_created=now, metadata_modified=now, version=1,
                distributions=[],
            )  # fmt: skip
            for f in rng.sample(FORMATS, 2):
                ds.distributions.append(SimpleNamespace(
                    id=uuid.uuid4(), dataset_id=ds.id, title=f"{words[0]} ({f})", description="",
                    access_url=f"https://data.example/{i}.{f.lower()}", format=f,
                    license_id=ds.license_id, created_at=now, updated_at=now,
                ))  # fmt: skip
            row = {k: v for k, v in vars(ds).items() if k != "distributions"}
            datasets.append(row)
            dists += [vars(d) for d in ds.distributions]
            facets += [
                {"dataset_id": ds.id, "facet": f, "value": v} for f, v in facet_values(ds, org)
            ]  # type: ignore[arg-type]
            docs.append(backend.params(ds.id, document(ds, org), search_entry(ds, org)))  # type: ignore[arg-type]
        async with db.transaction() as session:
            await session.execute(insert(Dataset), datasets)
            await session.execute(insert(Distribution), dists)
            await session.execute(insert(DatasetFacet), facets)
            await session.execute(text(backend.INDEX_SQL), docs)
    if db.dialect == "postgresql":
        async with db.engine.connect() as conn:
            await conn.execute(text("COMMIT"))
            for table in ("datasets", "dataset_facets", "dataset_search", "distributions"):
                await conn.execute(text(f"VACUUM ANALYZE {table}"))
    await db.dispose()


def start_service(
    url: str, storage: Path, wait: bool = True
) -> tuple[subprocess.Popen[bytes], str]:
    """The service as its own process; `wait=False` returns at once (see `wait_http`)."""
    port = free_port()
    env = {
        **os.environ, "CATALOG_DATABASE_URL": url, "CATALOG_PORT": str(port),
        "SMARTGOV_NATS_URL": f"nats://127.0.0.1:{free_port()}",  # none: events wait in the outbox
        "SMARTGOV_LOG_LEVEL": "WARNING", "CATALOG_STORAGE_DIR": str(storage),
        "SMARTGOV_DB_POOL_SIZE": "10",
    }  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "catalog_service", "serve"], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    if wait:
        wait_for_port(port, timeout=60)
    return proc, f"http://127.0.0.1:{port}"


def rss_peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return -1


FACET_FIELDS = '["groups","res_format","license_id","organization","tags"]'


async def search_load(
    base: str, seconds: float, concurrency: int, distinct: bool = False
) -> dict[str, float]:
    """package_search with each word of WORDS in turn and five facets, from the load generator
    (a separate process), for `seconds` after a warm-up. `distinct`: every request a query not
    asked before (each word with its own page offset), so none is answered from a cache."""
    if distinct:
        pages = [{"q": w, "start": s} for s in range(1, 200) for w in WORDS]
        random.Random(5).shuffle(pages)
    else:
        pages = [{"q": w} for w in WORDS]
    queries = [urlencode({**p, "facet.field": FACET_FIELDS, "rows": 10}) for p in pages]
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        # Warm-up: each query of the mix once, as Solr runs its warming queries after a
        # commit (it fills the cache; distinct queries warm only PostgreSQL's buffers).
        for word in WORDS:
            query = urlencode({"q": word, "facet.field": FACET_FIELDS, "rows": 10})
            answer = await client.get(f"/api/3/action/package_search?{query}")
            assert answer.is_success, answer.text[:200]
    result = await asyncio.to_thread(
        load, f"{base}/api/3/action/package_search", concurrency=concurrency,
        duration=seconds, warmup=0 if distinct else 1.0, queries=queries,
    )  # fmt: skip
    assert result.errors == 0, result.statuses
    return {
        "requests": result.requests, "concurrency": concurrency, "seconds": seconds,
        "p50_ms": round(result.p50_ms, 1), "p95_ms": round(result.p95_ms, 1),
        "throughput_rps": round(result.throughput, 1),
    }  # fmt: skip


async def harvest_rate(url: str, packages: int) -> dict[str, float]:
    """A harvest run of `packages` new records from the fake CKAN, served by its own
    process (`bench/apps/fake_ckan.py`)."""
    db = Database(url)
    async with db.transaction() as session:
        org = await session.scalar(select(Organization.id).limit(1))
        source = HarvestSource(
            municipality="musterstadt", organization_id=org, title="bench",
            url="http://placeholder", kind="ckan",
        )  # fmt: skip
        session.add(source)
    fake_args = ["-m", "bench.apps.fake_ckan", "{port}", str(packages)]
    with serve(fake_args, ready_path="/api/3/action/package_list") as fake:
        async with db.transaction() as session:
            await session.execute(
                update(HarvestSource).where(HarvestSource.id == source.id).values(url=fake.url)
            )
        t0 = time.perf_counter()
        run = await run_harvest(db, source.id, timeout=60)
        elapsed = time.perf_counter() - t0
    await db.dispose()
    assert run.status == "finished" and run.created == packages, (run.status, run.message)
    return {
        "packages": packages,
        "seconds": round(elapsed, 2),
        "datasets_per_s": round(packages / elapsed, 1),
    }


async def export_memory(base: str, pid: int) -> dict[str, float]:
    before = rss_peak_kib(pid)
    t0 = time.perf_counter()
    size = 0
    async with (
        httpx.AsyncClient(base_url=base, timeout=600) as client,
        client.stream("GET", "/catalog.ttl", params={"page": "all"}) as answer,
    ):
        async for chunk in answer.aiter_bytes():
            size += len(chunk)
    return {
        "bytes": size, "seconds": round(time.perf_counter() - t0, 1),
        "service_peak_rss_mib_before": round(before / 1024, 1),
        "service_peak_rss_mib_after": round(rss_peak_kib(pid) / 1024, 1),
    }  # fmt: skip


async def bench(url: str, n: int, seconds: float, packages: int, export: bool = True) -> None:
    t0 = time.perf_counter()
    await generate(url, n)
    print(f"generated {n} datasets in {time.perf_counter() - t0:.1f}s", flush=True)
    with tempfile.TemporaryDirectory() as storage:
        proc, base = start_service(url, Path(storage))
        try:
            print(
                "package_search (text + 5 facets):",
                await search_load(base, seconds, 8),
                flush=True,
            )
            print(
                "package_search, queries never asked before:",
                await search_load(base, seconds, 8, distinct=True),
                flush=True,
            )
            if export:
                print("catalog.ttl?page=all:", await export_memory(base, proc.pid), flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print("harvest from fake CKAN:", await harvest_rate(url, packages), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--datasets", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--packages", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="10k datasets, 200 requests")
    parser.add_argument("--no-export", action="store_true", help="skip the full export")
    args = parser.parse_args()
    if args.quick:
        args.datasets, args.seconds, args.packages = 10_000, 3.0, 500
    migrations = "catalog_service:migrations"
    if args.db == "postgres":
        admin = os.environ["SMARTGOV_TEST_POSTGRES_URL"]
        with postgres_database(admin, prefix="catalog_bench") as url:
            upgrade(migrations, url)
            asyncio.run(bench(url, args.datasets, args.seconds, args.packages, not args.no_export))
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        upgrade(migrations, url)
        asyncio.run(bench(url, args.datasets, args.seconds, args.packages, not args.no_export))


if __name__ == "__main__":
    main()

__all__ = ["Base"]
