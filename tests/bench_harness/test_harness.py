"""The benchmark harness computes what it claims: figures, regressions, load results, data."""

from __future__ import annotations

import json

from bench import datagen
from bench.figures import figure, regressions
from bench.loadgen import load
from bench.processes import serve
from bench.runner import discover, table


def test_figure_ratio_and_target_on_either_side():
    fast = figure("x", 800, "req/s", baseline=1000, target=0.5, target_of="ratio")
    assert (fast["ratio"], fast["passed"]) == (0.8, True)
    slow = figure("p99", 120, "ms", target=100, better="lower")
    assert (slow["ratio"], slow["passed"]) == (None, False)
    assert figure("n", 1, "count")["passed"] is None


def test_regression_flags_only_a_drop_beyond_fifteen_percent():
    previous = [
        figure("a", 100, "req/s", baseline=100),
        figure("b", 100, "req/s"),
        figure("c", 10, "ms", better="lower"),
    ]
    current = [
        figure("a", 50, "req/s", baseline=60),  # ratio 0.83 vs 1.0: 17% worse
        figure("b", 90, "req/s"),  # 10% worse: within noise
        figure("c", 12, "ms", better="lower"),  # 20% slower
        figure("new", 1, "req/s"),
    ]
    assert regressions(current, previous) == ["a", "c"]
    assert "regression" in current[0] and "regression" not in current[1]
    assert "**no**" not in table(current)


def test_benchmarks_are_discovered_by_name():
    assert {"platform_bench", "events_bench"} <= set(discover())
    assert discover(["events"]) == ["events_bench"]


def test_generated_data_is_deterministic_and_at_the_promised_volumes():
    first = list(datagen.use_cases())
    assert first == list(datagen.use_cases())
    assert len(first) == 2000
    assert len({u["municipality"] for u in first}) == 20
    assert len({u["id"] for u in first}) == 2000
    contributions = [c["id"] for c in datagen.contributions()]
    assert len(contributions) == 10_000
    supports = list(datagen.supports(contributions))
    assert len(supports) == 100_000
    assert len({(s["contribution_id"], s["supporter"]) for s in supports}) == 100_000
    assert datagen.support_counts(supports).total() == 100_000
    some = list(zip(range(1000), datagen.datasets(), strict=False))
    assert len({d["name"] for _, d in some}) == 1000
    json.dumps([d for _, d in some])  # plain data


def test_load_generator_counts_requests_statuses_and_errors():
    with serve(["-m", "bench.apps.hello", "serve", "--port", "{port}"]) as hello:
        ok = load(f"{hello.url}/healthz", concurrency=2, duration=0.5, warmup=0.2)
        missing = load(f"{hello.url}/nowhere", concurrency=2, duration=0.5, warmup=0.2)
    assert ok.requests > 0
    assert ok.errors == 0
    assert ok.statuses == {"200": ok.requests}
    assert 0 < ok.p50_ms <= ok.p99_ms <= ok.max_ms
    assert missing.errors == missing.requests > 0
    assert missing.statuses == {"404": missing.requests}
