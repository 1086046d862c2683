"""Durations and the databases benchmarks run on."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from servicekit.testing.databases import postgres_database

POSTGRES_ENVS = ("SMARTGOV_BENCH_POSTGRES_URL", "SMARTGOV_TEST_POSTGRES_URL")


@dataclass(frozen=True)
class Durations:
    warmup: float
    measure: float


def durations(quick: bool) -> Durations:
    return Durations(warmup=0.3, measure=1.5) if quick else Durations(warmup=3.0, measure=15.0)


def postgres_admin_url() -> str | None:
    for name in POSTGRES_ENVS:
        if os.environ.get(name):
            return os.environ[name]
    return None


def backends() -> list[str]:
    """SQLite always; PostgreSQL when an admin URL is named."""
    return ["sqlite", "postgres"] if postgres_admin_url() else ["sqlite"]


@contextmanager
def database(backend: str, directory: Path, name: str) -> Iterator[str]:
    if backend == "postgres":
        admin = postgres_admin_url()
        assert admin is not None
        with postgres_database(admin, prefix=f"smartgov_bench_{name}") as url:
            yield url
    else:
        yield f"sqlite+aiosqlite:///{(directory / f'{name}.db').as_posix()}"
