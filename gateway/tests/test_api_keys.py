"""API keys: managed by admins, hashed, scoped per area, refused at once when revoked."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from conftest import auth, register
from gateway.apikeys.models import ApiKey
from servicekit.db import Database

pytestmark = pytest.mark.asyncio(loop_scope="session")

BASE = "/api/v1/api-keys"


@pytest.fixture(autouse=True)
async def municipalities(client):
    await register(client, "musterstadt", "091620000000", "BY")
    await register(client, "anderstadt", "053150000000", "NW")


async def create_key(
    client,
    municipality="musterstadt",
    scopes=("usecase:write", "catalog:read"),
    headers=None,
    **extra,
):
    response = await client.post(
        BASE,
        json={"municipality": municipality, "name": "Fachverfahren", "scopes": list(scopes)}
        | extra,
        headers=headers or auth("platform_admin"),
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_keys_are_stored_hashed_and_shown_once(client, settings):
    created = await create_key(client)
    key = created["key"]
    assert key.startswith(created["prefix"] + "_")
    shown = await client.get(f"{BASE}/{created['id']}", headers=auth("platform_admin"))
    assert "key" not in shown.json()
    db = Database(settings.database_url)
    try:
        async with db.sessions() as session:
            row = await session.scalar(
                select(ApiKey).where(ApiKey.id == uuid.UUID(shown.json()["id"]))
            )
    finally:
        await db.dispose()
    assert row is not None and key not in (row.key_hash, row.prefix)
    assert len(row.key_hash) == 64


async def test_presented_in_every_accepted_way_with_area_roles(client):
    key = (await create_key(client))["key"]
    for headers in ({"Authorization": f"ApiKey {key}"}, {"X-API-Key": key}):
        echo = (await client.get("/api/v1/use-cases/x", headers=headers)).json()
        who = echo["identity"]
        assert who["kind"] == "api_key"
        assert who["memberships"] == {"musterstadt": ["editor"]}  # usecase:write
        assert who["scopes"] == ["catalog:read", "usecase:write"]
        assert not any(k in ("authorization", "x-api-key") for k, _ in echo["headers"])
    # Read-only area: viewer.
    catalog = (await client.get("/api/v1/datasets", headers={"X-API-Key": key})).json()
    assert catalog["identity"]["memberships"] == {"musterstadt": ["viewer"]}
    # CKAN clients send the bare key in Authorization (ckanapi also as X-CKAN-API-Key).
    for headers in ({"Authorization": key}, {"X-CKAN-API-Key": key}):
        ckan = await client.get("/api/3/action/package_show?id=x", headers=headers)
        assert ckan.status_code == 200
        assert ckan.json()["identity"]["kind"] == "api_key"
    # Elsewhere a bare Authorization value is not a key.
    assert (await client.get("/api/v1/datasets", headers={"Authorization": key})).status_code == 401


async def test_missing_scope_is_403(client):
    key = (await create_key(client))["key"]
    headers = {"X-API-Key": key}
    no_area = await client.get("/api/v1/processes", headers=headers)
    assert no_area.status_code == 403
    assert "participation:read" in no_area.json()["detail"]
    read_only = await client.post("/api/v1/datasets", json={}, headers=headers)
    assert read_only.status_code == 403
    ckan_write = await client.post("/api/3/action/package_create", json={}, headers=headers)
    assert ckan_write.status_code == 403
    ckan_read = await client.post("/api/3/action/package_search", json={}, headers=headers)
    assert ckan_read.status_code == 200


async def test_tenant_key_refused_on_another_municipality_writes(client):
    key = (await create_key(client))["key"]
    headers = {"X-API-Key": key}
    own = await client.post(
        "/api/v1/use-cases/tenant-writes", json={"municipality": "musterstadt"}, headers=headers
    )
    assert own.status_code == 201
    other = await client.post(
        "/api/v1/use-cases/tenant-writes", json={"municipality": "anderstadt"}, headers=headers
    )
    assert other.status_code == 403


async def test_revoked_key_is_refused_at_once(client):
    created = await create_key(client)
    headers = {"X-API-Key": created["key"]}
    assert (await client.get("/api/v1/use-cases/x", headers=headers)).status_code == 200
    revoked = await client.delete(f"{BASE}/{created['id']}", headers=auth("platform_admin"))
    assert revoked.status_code == 204
    refused = await client.get("/api/v1/use-cases/x", headers=headers)
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert "www-authenticate" in refused.headers
    again = await client.delete(f"{BASE}/{created['id']}", headers=auth("platform_admin"))
    assert again.status_code == 204


async def test_expired_and_unknown_keys_are_401(client):
    soon = datetime.now(UTC) + timedelta(seconds=1)
    created = await create_key(client, expires_at=soon.isoformat())
    await asyncio.sleep(1.2)
    assert (
        await client.get("/api/v1/use-cases/x", headers={"X-API-Key": created["key"]})
    ).status_code == 401
    assert (
        await client.get("/api/v1/use-cases/x", headers={"X-API-Key": "sgk_nope"})
    ).status_code == 401
    assert (
        await client.get("/api/v1/use-cases/x", headers={"X-API-Key": "k" * 5000})
    ).status_code == 401
    past = await client.post(
        BASE,
        json={
            "municipality": "musterstadt",
            "name": "x",
            "scopes": ["usecase:read"],
            "expires_at": "2001-01-01T00:00:00Z",
        },
        headers=auth("platform_admin"),
    )
    assert past.status_code == 422


async def test_municipality_admins_manage_their_own_keys_only(client):
    admin = auth("admin", "musterstadt", sub="muster-admin")
    own = await create_key(client, headers=admin)
    foreign = await client.post(
        BASE,
        json={"municipality": "anderstadt", "name": "x", "scopes": ["usecase:read"]},
        headers=admin,
    )
    assert foreign.status_code == 403
    editor = await client.post(
        BASE,
        json={"municipality": "musterstadt", "name": "x", "scopes": ["usecase:read"]},
        headers=auth("editor", "musterstadt"),
    )
    assert editor.status_code == 403
    listed = (await client.get(BASE, headers=admin)).json()["items"]
    assert {k["municipality"] for k in listed} == {"musterstadt"}
    assert own["id"] in [k["id"] for k in listed]
    other_admin = auth("admin", "anderstadt")
    assert (await client.get(f"{BASE}/{own['id']}", headers=other_admin)).status_code == 404
    assert (await client.delete(f"{BASE}/{own['id']}", headers=other_admin)).status_code == 404
    # An API key cannot manage API keys.
    as_key = await client.get(BASE, headers={"X-API-Key": own["key"]})
    assert as_key.status_code == 403
    bad_scope = await client.post(
        BASE,
        json={"municipality": "musterstadt", "name": "x", "scopes": ["everything"]},
        headers=admin,
    )
    assert bad_scope.status_code == 422
    unknown = await client.post(
        BASE,
        json={"municipality": "nowhere", "name": "x", "scopes": ["usecase:read"]},
        headers=auth("platform_admin"),
    )
    assert unknown.status_code == 422


async def test_last_use_is_recorded(client):
    created = await create_key(client)
    assert created["last_used_at"] is None
    await client.get("/api/v1/use-cases/x", headers={"X-API-Key": created["key"]})
    for _ in range(50):
        shown = (await client.get(f"{BASE}/{created['id']}", headers=auth("platform_admin"))).json()
        if shown["last_used_at"] is not None:
            break
        await asyncio.sleep(0.1)
    assert shown["last_used_at"] is not None
