from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from servicekit.db import Database
from servicekit.testing.apps import migrate, service_client
from usecase_service import demo
from usecase_service.database import Base, kit, tenants
from usecase_service.main import create_app
from usecase_service.settings import Settings

MIGRATIONS = "usecase_service:migrations"
MUNICIPALITIES = {"musterstadt": "Musterstadt", "beispielhausen": "Beispielhausen"}


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


@pytest.fixture(scope="module")
def settings(migrated_url: str, nats_server, internal_keypair) -> Settings:
    return Settings(
        database_url=migrated_url,
        nats_url=nats_server.url,
        internal_token_public_key=internal_keypair[1],
    )


@pytest.fixture(scope="module")
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """One running app per test module (start-up and shutdown cost about a second)."""
    async with service_client(create_app(settings)) as c:
        yield c


@pytest.fixture
def editor(identity) -> dict[str, str]:
    return identity("editor", "musterstadt")


@pytest.fixture
def admin(identity) -> dict[str, str]:
    return identity("admin", "musterstadt")


@pytest.fixture
def spec() -> dict[str, Any]:
    """A complete use case (the demo's parking management), safe to modify."""
    return copy.deepcopy(demo.PARKING)


@pytest.fixture
def outbox_subjects(migrated_url: str) -> Callable[..., Awaitable[list[str]]]:
    """`await outbox_subjects(entity_id=None)`: subjects in the outbox, oldest first."""

    async def subjects(entity: str | None = None) -> list[str]:
        db = Database(migrated_url)
        try:
            async with db.sessions() as session:
                stmt = select(kit.outbox.c.subject, kit.outbox.c.payload).order_by(kit.outbox.c.seq)
                rows = (await session.execute(stmt)).all()
        finally:
            await db.dispose()
        return [
            r.subject
            for r in rows
            if entity is None or json.loads(r.payload).get("subject") == entity
        ]

    return subjects


CreateUseCase = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def create_use_case(client: httpx.AsyncClient, editor) -> CreateUseCase:
    """`await create_use_case(title=..., steps=True)` → the created use case as JSON."""

    async def create(
        *, steps: bool = False, headers: dict[str, str] | None = None, **fields: Any
    ) -> dict[str, Any]:
        body = {**demo.PARKING["create"], **fields}
        response = await client.post("/api/v1/use-cases", json=body, headers=headers or editor)
        assert response.status_code == 201, response.text
        created = response.json()
        if steps:
            for name in demo.STEPS:
                url = f"/api/v1/use-cases/{created['id']}/{name}"
                r = await client.put(url, json=demo.PARKING[name], headers=headers or editor)
                assert r.status_code == 200, r.text
            url = f"/api/v1/use-cases/{created['id']}/data-requirements"
            need = {k: v for k, v in demo.PARKING["data"][1].items() if k != "find"}
            r = await client.post(url, json=need, headers=headers or editor)
            assert r.status_code == 201, r.text
            created = r.json()
        return created

    return create


__all__ = ["Base"]
