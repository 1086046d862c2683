"""Helpers to test a service app in-process against real NATS and a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi import FastAPI
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from servicekit.db import Database
from servicekit.migrations import include_name_for, upgrade


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[FastAPI]:
    """Run an app's lifespan (start-up and shutdown) around a block."""
    async with app.router.lifespan_context(app):
        yield app


@asynccontextmanager
async def service_client(
    app: FastAPI, base_url: str = "http://testserver"
) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client talking to `app` in-process, with its lifespan running."""
    async with running(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client


def migrate(script_location: str, database_url: str) -> None:
    """Upgrade to head. Call from sync code (fixtures), not from a running event loop."""
    upgrade(script_location, database_url)


async def schema_drift(database_url: str, metadata: MetaData) -> list[Any]:
    """Differences between the migrated database and the models (empty = in sync)."""

    def compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_name": include_name_for(metadata)},
        )
        return list(compare_metadata(context, metadata))

    db = Database(database_url)
    try:
        async with db.engine.connect() as conn:
            return await conn.run_sync(compare)
    finally:
        await db.dispose()
