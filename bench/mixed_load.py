"""Load held (issue 7): a bounded, realistic mix through the gateway of the real platform
(nats-server, gateway and three services as `smartgov up` starts them, dev auth on, rate
limits off), 60 s (quick: 6 s) after a short warm-up (3 s; quick 1.5 s), at a fixed concurrency:

- reads 50%: list use cases, one use case, list datasets, one dataset;
- searches 25%: CKAN `package_search` and `/api/v1/datasets?q=`;
- supports 15%: a new participant declares a stakeholder group (PUT participants/me) and
  supports a contribution of the open consultation (two requests);
- edits 10%: PATCH of a use case with If-Match (each worker owns one use case, so no 412).

Reported: throughput, p50/p95/p99 over every request, and the error count (any status >= 400
or transport error; target 0). Data: the components' demo seeds, loaded through the API,
plus one use case per worker and a few contributions. PostgreSQL when named, else SQLite.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.figures import figure
from smartgov_cli.demo import dev_auth, seed
from smartgov_cli.platform import Platform
from usecase_service import demo as usecase_demo

MUN = "musterstadt"
CONCURRENCY = 16
WARMUP = 3.0
WORDS = ["Parken", "Verkehr", "Abfall", "Luft", "Haushalt", "Radverkehr", "Bäume"]
MIX = {"read": 50, "search": 25, "support": 15, "edit": 10}
ENV = {
    "GATEWAY_DEV_AUTH": "true",
    "GATEWAY_RATE_LIMIT_ENABLED": "false",
    "PARTICIPATION_WRITES_PER_MINUTE_PARTICIPANT": "1000000",
    "PARTICIPATION_WRITES_PER_MINUTE_IP": "100000000",
    "SMARTGOV_LOG_LEVEL": "WARNING",
}


@dataclass
class World:
    use_cases: list[str]
    datasets: list[str]
    contributions: list[str]
    owned: list[str]  # one use case per worker, for edits


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)


async def prepare(client: httpx.AsyncClient, auth: Any) -> World:
    editor = auth("editor", MUN)
    listed = await client.get("/api/v1/use-cases", params={"municipality": MUN}, headers=editor)
    listed.raise_for_status()
    use_cases = [i["id"] for i in listed.json()["items"]]
    datasets_page = await client.get("/api/v1/datasets", params={"municipality": MUN})
    datasets_page.raise_for_status()
    datasets = [i["id"] for i in datasets_page.json()["items"]]
    owned = []
    for n in range(CONCURRENCY):
        body = copy.deepcopy(usecase_demo.USE_CASES[n % len(usecase_demo.USE_CASES)]["create"])
        body["title"] = f"Lasttest {n}"
        created = await client.post("/api/v1/use-cases", json=body, headers=editor)
        created.raise_for_status()
        owned.append(created.json()["id"])
    processes = await client.get("/api/v1/processes", params={"municipality": MUN})
    processes.raise_for_status()
    process = next(p for p in processes.json()["items"] if p["status"] == "open")
    contributions = []
    for n in range(8):
        author = auth("participant", sub=f"load-author-{n}")
        profile = {"display_name": f"Autor {n}", "stakeholder_group": "citizen"}
        (
            await client.put("/api/v1/participants/me", json=profile, headers=author)
        ).raise_for_status()
        made = await client.post(
            f"/api/v1/processes/{process['id']}/contributions",
            json={"kind": "idea", "title": f"Idee {n}", "body": "Mehr Bänke am Markt."},
            headers=author,
        )
        made.raise_for_status()
        contributions.append(made.json()["id"])
    return World(use_cases, datasets, contributions, owned)


async def drive(
    base: str, auth: Any, world: World, seconds: float, warmup: float = WARMUP
) -> tuple[Tally, float]:
    tally = Tally()
    editor = auth("editor", MUN)
    participants = itertools.count()
    kinds = [k for k, weight in MIX.items() for _ in range(weight)]
    measuring_from = time.perf_counter() + warmup
    until = measuring_from + seconds

    async def timed(kind: str, request: Any) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            answer: httpx.Response | None = await request
        except httpx.HTTPError as exc:
            answer = None
            error = type(exc).__name__
        else:
            error = f"{kind} {answer.status_code}" if answer.status_code >= 400 else ""
        if started >= measuring_from:
            tally.latencies.append(time.perf_counter() - started)
            tally.by_kind[kind] += 1
            if error:
                tally.errors[error] += 1
        return answer

    async def worker(n: int, client: httpx.AsyncClient) -> None:
        rng = random.Random(n)
        etag: str | None = None
        while time.perf_counter() < until:
            kind = rng.choice(kinds)
            if kind == "read":
                which = rng.randrange(4)
                if which == 0:
                    params = {"municipality": MUN}
                    await timed("read", client.get("/api/v1/use-cases", params=params))
                elif which == 1:
                    uc = rng.choice(world.use_cases)
                    await timed("read", client.get(f"/api/v1/use-cases/{uc}"))
                elif which == 2:
                    params = {"municipality": MUN}
                    await timed("read", client.get("/api/v1/datasets", params=params))
                else:
                    ds = rng.choice(world.datasets)
                    await timed("read", client.get(f"/api/v1/datasets/{ds}"))
            elif kind == "search":
                q = rng.choice(WORDS)
                if rng.random() < 0.5:
                    url, params = "/api/3/action/package_search", {"q": q, "rows": 10}
                else:
                    url, params = "/api/v1/datasets", {"q": q}
                await timed("search", client.get(url, params=params))
            elif kind == "support":
                who = auth("participant", sub=f"load-{next(participants)}")
                group = rng.choice(["citizen", "business", "administration", "other"])
                profile = {"display_name": "Last", "stakeholder_group": group}
                await timed(
                    "support", client.put("/api/v1/participants/me", json=profile, headers=who)
                )
                target = rng.choice(world.contributions)
                url = f"/api/v1/contributions/{target}/support"
                await timed("support", client.post(url, headers=who))
            else:
                uc = world.owned[n]
                if etag is None:
                    got = await timed("edit", client.get(f"/api/v1/use-cases/{uc}", headers=editor))
                    etag = got.headers.get("ETag") if got is not None else None
                headers = {**editor, **({"If-Match": etag} if etag else {})}
                body = {"progress": rng.randint(0, 100)}
                changed = await timed(
                    "edit", client.patch(f"/api/v1/use-cases/{uc}", json=body, headers=headers)
                )
                ok = changed is not None and changed.status_code < 400
                etag = changed.headers.get("ETag") if ok and changed is not None else None

    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        await asyncio.gather(*(worker(n, client) for n in range(CONCURRENCY)))
    return tally, seconds


async def scenario(
    platform: Platform, data_dir: Path, seconds: float, warmup: float = WARMUP
) -> tuple[Tally, float]:
    await seed(platform.gateway_url, data_dir)
    auth = dev_auth(data_dir)
    async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client:
        world = await prepare(client, auth)
    return await drive(platform.gateway_url, auth, world, seconds, warmup)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


def measure(platform: Platform, backend: str, quick: bool) -> list[dict[str, Any]]:
    """On a running platform started with ENV (dev auth, no rate limits)."""
    seconds, warmup = (6.0, 1.5) if quick else (60.0, WARMUP)
    tally, measured = asyncio.run(scenario(platform, platform.data_dir, seconds, warmup))
    count = len(tally.latencies)
    errors = sum(tally.errors.values())
    mix = ", ".join(f"{k} {v}" for k, v in sorted(tally.by_kind.items()))
    note = f"{backend}; gateway, c={CONCURRENCY}, {seconds:.0f} s; {count} requests ({mix})"
    return [
        figure("load.mixed.throughput", count / measured, "req/s", note=note),
        figure(
            "load.mixed.p50", percentile(tally.latencies, 0.50), "ms", better="lower", note=note
        ),
        figure(
            "load.mixed.p95", percentile(tally.latencies, 0.95), "ms", better="lower", note=note
        ),
        figure(
            "load.mixed.p99", percentile(tally.latencies, 0.99), "ms", better="lower", note=note
        ),
        figure(
            "load.mixed.errors",
            errors,
            "count",
            target=0,
            better="lower",
            note=f"{note}; errors: {dict(tally.errors) or 'none'}",
        ),
    ]
