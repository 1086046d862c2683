"""Participation figures for `python -m bench`, measured by `bench/participation_supports.py`
against the real service (2 uvicorn workers) on PostgreSQL:

- sustained supports/s from many participants (target >= 1,000/s) and exact counts after;
- 200 concurrent supports on one contribution from 200 participants -> exactly 200;
- GET results of a process with 10,000 contributions and 100,000 supports (target < 200 ms).

Quick mode: 500 participants x 4 supports, results over 2,000 contributions x 10 supports
(named in the notes). PostgreSQL only (the targets are PostgreSQL's): without an admin URL
the module returns no figures.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bench.figures import figure
from bench.participation_supports import run as measure
from bench.settings import postgres_admin_url
from servicekit.migrations import upgrade
from servicekit.testing.databases import postgres_database

WORKERS = 2


def run(quick: bool) -> list[dict[str, Any]]:
    admin = postgres_admin_url()
    if admin is None:
        return []
    with postgres_database(admin, prefix="smartgov_bench_participation") as url:
        upgrade("participation_service:migrations", url)
        report = asyncio.run(measure(url, quick, WORKERS))
    supports, one, results = (
        report["supports"],
        report["one_contribution_200_concurrent"],
        report["results"],
    )
    mode = "quick; " if quick else ""
    return [
        figure(
            "participation.supports.rate",
            supports["per_second"],
            "supports/s",
            target=1000,
            note=f"postgres; {mode}{supports['requests']} supports, c=64, {WORKERS} workers; "
            f"statuses {supports['status_codes']}",
        ),
        figure(
            "participation.supports.exact_count",
            1.0 if supports["exact_count"] else 0.0,
            "bool",
            target=1,
            note=f"postgres; {supports['count_in_db']} rows = 201 answers + warm-up",
        ),
        figure(
            "participation.supports.one_contribution_200_concurrent",
            1.0 if one["exact"] else 0.0,
            "bool",
            target=1,
            note=f"postgres; added {one['added']} of 200 in {one['seconds']} s; "
            f"statuses {one['status_codes']}",
        ),
        figure(
            "participation.results.median",
            results["median_ms"],
            "ms",
            target=200,
            better="lower",
            note=f"postgres; {mode}{results['contributions']:,} contributions, "
            f"{results['supports']:,} supports; p95 {results['p95_ms']} ms, "
            f"{results['bytes']:,} bytes",
        ),
    ]
