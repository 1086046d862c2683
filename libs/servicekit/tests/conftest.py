from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy import func, select

from sampleapp import Base, make_app
from servicekit.db import Database
from servicekit.testing.plugin import running


async def create_schema(url: str) -> None:
    db = Database(url)
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    await db.dispose()


@pytest.fixture
def sample_client(
    fresh_database_url: str, internal_keypair: tuple[str, str]
) -> Callable[..., object]:
    """`async with sample_client(nats_url) as (app, client): ...`"""

    @asynccontextmanager
    async def make(
        nats_url: str, **kwargs: object
    ) -> AsyncIterator[tuple[object, httpx.AsyncClient]]:
        await create_schema(fresh_database_url)
        app = make_app(fresh_database_url, nats_url, internal_keypair[1], **kwargs)
        async with running(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://sample") as client:
                yield app, client

    return make


async def count(db: Database, model: type, **where: object) -> int:
    async with db.sessions() as session:
        stmt = select(func.count()).select_from(model)
        for key, value in where.items():
            stmt = stmt.where(getattr(model, key) == value)
        return int(await session.scalar(stmt) or 0)


async def eventually(check: Callable[[], object], timeout: float = 15.0, interval: float = 0.1):
    """Poll an async check until it returns a truthy value."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()  # type: ignore[misc]
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last: {result!r})")
        await asyncio.sleep(interval)
