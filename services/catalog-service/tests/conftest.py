from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from catalog_service.database import Base, tenants
from catalog_service.main import create_app
from catalog_service.settings import Settings
from servicekit.db import Database
from servicekit.testing.apps import migrate, service_client

MIGRATIONS = "catalog_service:migrations"
MUNICIPALITIES = {"musterstadt": "Musterstadt", "beispieldorf": "Beispieldorf"}


async def _seed_tenants(url: str) -> None:
    db = Database(url)
    try:
        async with db.transaction() as session:
            for slug, name in MUNICIPALITIES.items():
                await tenants.seed_for_tests(session, slug, name)
    finally:
        await db.dispose()


@pytest.fixture(scope="module")
def migrated_url(database_url: str) -> str:
    migrate(MIGRATIONS, database_url)
    asyncio.run(_seed_tenants(database_url))
    return database_url


@pytest.fixture
def settings(migrated_url: str, nats_server, internal_keypair, tmp_path_factory) -> Settings:
    return Settings(
        database_url=migrated_url,
        nats_url=nats_server.url,
        internal_token_public_key=internal_keypair[1],
        public_base_url="https://data.musterstadt.example",
        storage_dir=tmp_path_factory.getbasetemp() / "catalog-files",
        max_upload_bytes=256 * 1024,
    )


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with service_client(create_app(settings)) as c:
        yield c


__all__ = ["Base"]


@pytest.fixture
async def live_url(settings: Settings) -> AsyncIterator[str]:
    """The service over real HTTP (uvicorn on a free port, in this event loop)."""
    import uvicorn

    from servicekit.testing.nats import free_port

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_config=None)
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
