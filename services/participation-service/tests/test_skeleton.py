"""The service stands: migrations match the models, probes and spec answer."""

from __future__ import annotations

from participation_service.database import Base
from participation_service.settings import Settings
from servicekit.testing.apps import schema_drift


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
    assert Settings().port == 8003


async def test_every_operation_is_documented(client):
    spec = (await client.get("/openapi.json")).json()
    ids = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            ids.append(op["operationId"])
            assert op.get("summary") and op.get("description"), (method, path)
            assert op["operationId"][0].islower() and "_" not in op["operationId"], op[
                "operationId"
            ]
            if path.startswith("/api/v1") and method in ("post", "put", "patch", "delete"):
                assert any(code.startswith("4") for code in op["responses"]), (method, path)
    assert len(ids) == len(set(ids))
    assert {t["name"] for t in spec["tags"]} >= {
        "processes",
        "contributions",
        "surveys",
        "moderation",
    }
