"""The service stands: migrations match the models, probes and spec answer."""

from __future__ import annotations

from servicekit.testing.apps import schema_drift
from usecase_service.database import Base
from usecase_service.settings import Settings


async def test_migrations_match_models(migrated_url):
    assert await schema_drift(migrated_url, Base.metadata) == []


async def test_probes_and_spec(client):
    assert (await client.get("/healthz")).status_code == 200
    ready = await client.get("/readyz")
    assert ready.status_code in (200, 503)
    spec = (await client.get("/openapi.json")).json()
    assert spec["openapi"].startswith("3.1")
    missing = await client.get("/api/v1/does-not-exist")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_default_port():
    assert Settings().port == 8001
