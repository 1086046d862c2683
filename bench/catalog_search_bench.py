"""Catalogue figures for `python -m bench`, measured by `bench/catalog_search.py`:

- `package_search` (text + 5 facets) p95 at 100,000 datasets on PostgreSQL, c=8 (target <= 50 ms),
  as served (search cache on, after a warm-up) and for queries never asked before (computed,
  no target);
- harvest rate from a fake CKAN (target >= 500 datasets/s);
- streamed `catalog.ttl?page=all` export: the service's peak RSS growth (constant memory:
  target <= 64 MiB whatever the catalogue's size).

Searches come from the load generator (bench/loadgen.py, a separate process). Quick mode uses
2,000 datasets, 2 s + 2 s of searches and 500 harvested packages (named in the figures'
notes); the 100k target is only judged on a full run.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.catalog_search import (
    WORDS,
    export_memory,
    generate,
    harvest_rate,
    search_load,
    start_service,
)
from bench.figures import figure
from bench.processes import wait_http
from bench.settings import backends, database
from servicekit.migrations import upgrade

FULL = {"datasets": 100_000, "seconds": 15, "uncached_seconds": 15, "packages": 2000}
QUICK = {"datasets": 2_000, "seconds": 2, "uncached_seconds": 2, "packages": 500}
CONCURRENCY = 8


async def measure(url: str, sizes: dict[str, int]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="smartgov-bench-catalog-") as storage:
        # the service starts while the data is generated; nothing is measured before both end
        proc, base = start_service(url, Path(storage), wait=False)
        try:
            started = time.perf_counter()
            await generate(url, sizes["datasets"])
            generated = time.perf_counter() - started
            wait_http(f"{base}/healthz", process=proc)
            search = await search_load(base, sizes["seconds"], CONCURRENCY)
            uncached = await search_load(
                base, sizes["uncached_seconds"], CONCURRENCY, distinct=True
            )
            export = await export_memory(base, proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    harvest = await harvest_rate(url, sizes["packages"])
    return {
        "generated_s": generated,
        "search": search,
        "uncached": uncached,
        "export": export,
        "harvest": harvest,
    }


def run(quick: bool) -> list[dict[str, Any]]:
    backend = backends()[-1]
    sizes = QUICK if quick else FULL
    with (
        tempfile.TemporaryDirectory(prefix="smartgov-bench-") as tmp,
        database(backend, Path(tmp), "catalog") as url,
    ):
        upgrade("catalog_service:migrations", url)
        m = asyncio.run(measure(url, sizes))
    n = sizes["datasets"]
    note = f"{backend}; {n:,} datasets" + (" (quick; target is for 100k)" if quick else "")
    search, uncached, export, harvest = m["search"], m["uncached"], m["export"], m["harvest"]
    growth = export["service_peak_rss_mib_after"] - export["service_peak_rss_mib_before"]
    return [
        figure(
            "catalog.package_search.p95",
            search["p95_ms"],
            "ms",
            target=50,
            better="lower",
            note=f"{note}; q + 5 facets, c={CONCURRENCY}, {search['requests']} requests in "
            f"{search['seconds']} s over {len(WORDS)} words, search cache on; "
            f"p50 {search['p50_ms']} ms, {search['throughput_rps']} req/s",
        ),
        figure(
            "catalog.package_search.uncached.p95",
            uncached["p95_ms"],
            "ms",
            better="lower",
            note=f"{note}; every request a query not asked before (each word with its own "
            f"page offset: computed, not cached), "
            f"{uncached['requests']} requests in {uncached['seconds']} s; "
            f"p50 {uncached['p50_ms']} ms, "
            f"{uncached['throughput_rps']} req/s",
        ),
        figure(
            "catalog.harvest.rate",
            harvest["datasets_per_s"],
            "datasets/s",
            target=500,
            note=f"{backend}; {harvest['packages']} packages from a fake CKAN, "
            f"{harvest['seconds']} s",
        ),
        figure(
            "catalog.export_ttl.peak_rss_growth",
            growth,
            "MiB",
            target=64,
            better="lower",
            note=f"{note}; {export['bytes']:,} bytes streamed in {export['seconds']} s; "
            f"peak RSS {export['service_peak_rss_mib_after']} MiB",
        ),
    ]
