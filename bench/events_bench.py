"""Event figures with the servicekit pair (bench/kitpair): propagation latency from the
producer's commit to the consumer's effect at a modest rate, outbox relay throughput and the
consumer's apply rate on a backlog. On SQLite, and on PostgreSQL when one is named."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from hdrh.histogram import HdrHistogram

from bench.figures import figure
from bench.kitpair.run import kitpair
from bench.settings import backends, database
from servicekit.testing.nats import NatsServer

PACE_PER_SECOND = 20
LATENCY_P99_TARGET_MS = 1000.0
RELAY_TARGET_PER_S = 500.0


def _wait(check: Any, timeout: float = 300.0, interval: float = 0.02) -> float:
    """Poll until `check()` is true; returns when it became true (monotonic seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return time.monotonic()
        time.sleep(interval)
    raise TimeoutError("benchmark condition not reached")


def _stats(client: httpx.Client, url: str) -> dict[str, int]:
    response = client.get(f"{url}/api/v1/stats")
    response.raise_for_status()
    return dict(response.json())


def measure(backend: str, quick: bool, tmp: Path) -> list[dict[str, Any]]:
    paced = 30 if quick else 400
    backlog = 500 if quick else 10_000
    nats = NatsServer(tmp / f"nats-{backend}", log_file=tmp / f"nats-{backend}.log")
    nats.start()
    try:
        with (
            database(backend, tmp, "producer") as producer_db,
            database(backend, tmp, "consumer") as consumer_db,
            kitpair(nats.url, producer_db, consumer_db, tmp) as (producer, consumer),
            httpx.Client(timeout=120) as client,
        ):
            # 1. latency at a modest, steady rate
            for _ in range(paced):
                client.post(f"{producer.url}/api/v1/probes", json={"count": 1}).raise_for_status()
                time.sleep(1 / PACE_PER_SECOND)
            _wait(lambda: _stats(client, consumer.url)["effects"] >= paced)
            latencies = client.get(f"{consumer.url}/api/v1/latencies").json()["latency_ms"]
            histogram = HdrHistogram(1, 600_000_000, 3)
            for value in latencies:
                histogram.record_value(max(int(value * 1000), 1))
            ms = lambda p: histogram.get_value_at_percentile(p) / 1000  # noqa: E731

            # 2. a backlog committed at once: the relay's and the consumer's rates
            client.post(f"{producer.url}/api/v1/probes", json={"count": backlog}).raise_for_status()
            committed = time.monotonic()
            published = _wait(lambda: _stats(client, producer.url)["unpublished"] == 0)
            applied = _wait(
                lambda: _stats(client, consumer.url)["effects"] >= paced + backlog, interval=0.1
            )
            final = _stats(client, consumer.url)
    finally:
        nats.stop()
    exact = final["effects"] == final["distinct"] == paced + backlog and not final["dead_letters"]
    prefix = f"events.{backend}"
    return [
        figure(
            f"{prefix}.propagation.p50",
            ms(50),
            "ms",
            better="lower",
            note=f"{paced} events at {PACE_PER_SECOND}/s",
        ),
        figure(f"{prefix}.propagation.p95", ms(95), "ms", better="lower"),
        figure(
            f"{prefix}.propagation.p99", ms(99), "ms", target=LATENCY_P99_TARGET_MS, better="lower"
        ),
        figure(
            f"{prefix}.outbox_relay.throughput",
            backlog / (published - committed),
            "events/s",
            target=RELAY_TARGET_PER_S,
            note=f"{backlog} events committed in one transaction",
        ),
        figure(
            f"{prefix}.consumer.apply_rate",
            backlog / (applied - committed),
            "events/s",
            note="one inbox transaction per event",
        ),
        figure(
            f"{prefix}.exactly_once",
            1.0 if exact else 0.0,
            "bool",
            target=1.0,
            note=(
                f"effects {final['effects']}, distinct {final['distinct']}, "
                f"dead letters {final['dead_letters']}"
            ),
        ),
    ]


def run(quick: bool) -> list[dict[str, Any]]:
    figures = []
    with tempfile.TemporaryDirectory(prefix="smartgov-bench-events-") as tmp:
        # quick: the production database only; a full run measures both
        for backend in backends()[-1:] if quick else backends():
            figures += measure(backend, quick, Path(tmp))
    return figures
