"""Start the pair on free ports against a NATS URL and two databases."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench.processes import Served, serve


def kitpair_env(role: str, database_url: str, nats_url: str) -> dict[str, str]:
    return {
        "KITPAIR_ROLE": role,
        "KITPAIR_DATABASE_URL": database_url,
        "SMARTGOV_NATS_URL": nats_url,
        "SMARTGOV_LOG_LEVEL": "WARNING",
        "SMARTGOV_RELAY_POLL_SECONDS": "0.5",
    }


@contextmanager
def kitpair(
    nats_url: str, producer_db: str, consumer_db: str, log_dir: Path | None = None
) -> Iterator[tuple[Served, Served]]:
    with ExitStack() as stack:
        served = [
            stack.enter_context(
                serve(
                    ["-m", "bench.kitpair", "serve", "--port", "{port}"],
                    env=kitpair_env(role, url, nats_url),
                    ready_path="/readyz",
                    log=log_dir / f"kitpair-{role}.log" if log_dir else None,
                )
            )
            for role, url in (("producer", producer_db), ("consumer", consumer_db))
        ]
        yield served[0], served[1]
