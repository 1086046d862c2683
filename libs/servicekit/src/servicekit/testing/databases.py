"""Fresh databases for tests: a SQLite temp file, or a PostgreSQL database created and
dropped around the test when `SMARTGOV_TEST_POSTGRES_URL` is set and selected."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

POSTGRES_ENV = "SMARTGOV_TEST_POSTGRES_URL"
BACKEND_ENV = "SMARTGOV_TEST_DB"


def selected_backend() -> str:
    """`sqlite` (default) or `postgres`, from SMARTGOV_TEST_DB."""
    backend = os.environ.get(BACKEND_ENV, "sqlite")
    if backend not in ("sqlite", "postgres"):
        raise ValueError(f"{BACKEND_ENV} must be sqlite or postgres, not {backend!r}")
    return backend


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


def _run(coro: object) -> None:
    asyncio.run(coro)  # type: ignore[arg-type]


@contextmanager
def postgres_database(admin_url: str, prefix: str = "smartgov_test") -> Iterator[str]:
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    _run(_admin(admin_url, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        _run(_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def fresh_database(directory: Path, name: str = "test") -> Iterator[str]:
    """A new, empty database URL for the selected backend."""
    if selected_backend() == "postgres":
        admin_url = os.environ.get(POSTGRES_ENV)
        if not admin_url:
            raise RuntimeError(f"SMARTGOV_TEST_DB=postgres needs {POSTGRES_ENV}")
        with postgres_database(admin_url) as url:
            yield url
        return
    path = directory / f"{name}-{uuid.uuid4().hex[:8]}.db"
    yield f"sqlite+aiosqlite:///{path.as_posix()}"
