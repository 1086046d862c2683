"""HTTP figures at foundation level: the load generator's ceiling, the bare FastAPI baseline,
a trivial GET served directly by each component, and memory (RSS) idle and under load."""

from __future__ import annotations

from typing import Any

from bench.figures import figure
from bench.loadgen import LoadResult, load
from bench.processes import rss_mb, serve
from bench.settings import durations
from smartgov_cli.components import COMPONENTS
from smartgov_cli.platform import Platform

CONCURRENCY = 16
RSS_TARGET_MB = 150.0  # an idle service process; a pod request of 256 MiB leaves headroom


def _load(url: str, quick: bool) -> LoadResult:
    d = durations(quick)
    return load(url, concurrency=CONCURRENCY, duration=d.measure, warmup=d.warmup)


def measure(platform: Platform, quick: bool) -> list[dict[str, Any]]:
    """On a freshly started platform (idle memory is read first). Each component's figure is
    paired with a baseline measured right before it, so both see the same machine load (this
    machine is shared and noisy); a quick run measures the baseline once."""
    figures = []
    with serve(["-m", "bench.apps.raw", "{port}"]) as raw:
        ceiling = _load(f"{raw.url}/healthz", quick)
    with serve(["-m", "bench.apps.hello", "serve", "--port", "{port}"]) as hello:
        hello_idle = hello.rss_mb
        baselines = []
        for component in COMPONENTS:
            name = component.name
            pid = platform.children[name].pid
            idle = rss_mb(pid)
            if not (quick and baselines):
                baselines.append(_load(f"{hello.url}/healthz", quick))
            baseline = baselines[-1]
            result = _load(f"{platform.url(name)}/healthz", quick)
            loaded = rss_mb(pid)
            figures += [
                figure(
                    f"direct.{name}.healthz.throughput",
                    result.throughput,
                    "req/s",
                    baseline=baseline.throughput,
                    target=0.5,
                    target_of="ratio",
                    note=f"c={CONCURRENCY}; errors {result.errors}",
                ),
                figure(
                    f"direct.{name}.healthz.p99",
                    result.p99_ms,
                    "ms",
                    baseline=baseline.p99_ms,
                    better="lower",
                ),
                figure(
                    f"memory.{name}.idle_rss",
                    idle,
                    "MiB",
                    baseline=hello_idle,
                    target=RSS_TARGET_MB,
                    better="lower",
                ),
                figure(f"memory.{name}.loaded_rss", loaded, "MiB", baseline=idle, better="lower"),
            ]
            if result.errors:
                figures.append(
                    figure(
                        f"direct.{name}.healthz.errors",
                        result.errors,
                        "count",
                        target=0,
                        better="lower",
                    )
                )
    best = max(baselines, key=lambda b: b.throughput)
    return [
        figure(
            "loadgen.ceiling",
            ceiling.throughput,
            "req/s",
            baseline=best.throughput,
            target=3.0,
            target_of="ratio",
            note="generator vs a canned-response server; ratio = headroom over the baseline",
        ),
        figure(
            "baseline.fastapi_hello.throughput",
            best.throughput,
            "req/s",
            note=f"best of {len(baselines)} paired runs; c={CONCURRENCY}, 1 worker",
        ),
        figure("baseline.fastapi_hello.p99", best.p99_ms, "ms", better="lower"),
        figure("baseline.fastapi_hello.idle_rss", hello_idle, "MiB", better="lower"),
        *figures,
    ]
