from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from participation_service.database import Base
from participation_service.main import create_app
from participation_service.settings import Settings
from servicekit.testing.apps import migrate, service_client

MIGRATIONS = "participation_service:migrations"


@pytest.fixture(scope="module")
def migrated_url(database_url: str) -> str:
    migrate(MIGRATIONS, database_url)
    return database_url


@pytest.fixture
def settings(migrated_url: str, nats_server, internal_keypair) -> Settings:
    return Settings(
        database_url=migrated_url,
        nats_url=nats_server.url,
        internal_token_public_key=internal_keypair[1],
    )


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with service_client(create_app(settings)) as c:
        yield c


__all__ = ["Base"]
