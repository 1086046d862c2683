"""Helpers shared by servicekit's own tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import func, select

from sampleapp import Base
from servicekit.db import Database


async def create_schema(url: str) -> None:
    db = Database(url)
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    await db.dispose()


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
