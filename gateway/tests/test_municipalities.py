"""Municipalities: registered by platform admins, announced as events; the demo seed."""

from __future__ import annotations

import asyncio
import json

import nats
import pytest

from conftest import auth
from gateway.demo import seed

pytestmark = pytest.mark.asyncio(loop_scope="session")

BASE = "/api/v1/municipalities"
NEW = {
    "slug": "beispielheim",
    "name": "Beispielheim",
    "regional_key": "081110000000",
    "federal_state": "BW",
    "contact": {"name": "Rathaus", "email": "info@beispielheim.example", "phone": "+49 711 1"},
}


async def events_about(nats_url: str, subject: str, slug: str, timeout: float = 10.0) -> list[dict]:
    """Every event on `subject` about `slug` in the PLATFORM stream (read from its start)."""
    nc = await nats.connect(nats_url)
    try:
        sub = await nc.jetstream().subscribe(subject, ordered_consumer=True)
        found: list[dict] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        quiet = 0
        while loop.time() < deadline and not (found and quiet >= 2):
            try:
                msg = await sub.next_msg(timeout=0.2)
            except nats.errors.TimeoutError:
                quiet += 1
                continue
            event = json.loads(msg.data)
            if event["data"]["slug"] == slug:
                found.append(event)
        await sub.unsubscribe()
        return found
    finally:
        await nc.close()


async def test_only_platform_admins_register(client):
    assert (await client.post(BASE, json=NEW)).status_code == 401
    editor = await client.post(BASE, json=NEW, headers=auth("admin", "musterstadt"))
    assert editor.status_code == 403
    assert editor.headers["content-type"] == "application/problem+json"


async def test_register_announces_the_municipality(client, nats_server):
    created = await client.post(BASE, json=NEW, headers=auth("platform_admin"))
    assert created.status_code == 201, created.text
    body = created.json()
    assert (
        body["slug"] == "beispielheim" and body["contact"]["email"] == "info@beispielheim.example"
    )
    assert created.headers["location"] == f"{BASE}/beispielheim"
    found = await events_about(nats_server.url, "platform.municipality.registered", "beispielheim")
    assert len(found) == 1
    event = found[0]
    assert event["type"] == "de.smartgov.platform.municipality.registered.v1"
    assert event["municipality"] == "beispielheim"
    assert event["data"] == {
        "id": body["id"],
        "slug": "beispielheim",
        "name": "Beispielheim",
        "regional_key": "081110000000",
        "federal_state": "BW",
        "active": True,
    }
    public = (await client.get(f"{BASE}/beispielheim")).json()
    assert public["contact"] is None  # contacts only for admins
    duplicate = await client.post(BASE, json=NEW, headers=auth("platform_admin"))
    assert duplicate.status_code == 409
    same_key = await client.post(
        BASE, json=NEW | {"slug": "other-name"}, headers=auth("platform_admin")
    )
    assert same_key.status_code == 409


@pytest.mark.parametrize(
    "change",
    [
        {"slug": "Not A Slug"},
        {"slug": "-x"},
        {"regional_key": "12345"},
        {"regional_key": "091620000000"},  # Bavaria's key, but federal_state BW
        {"federal_state": "XX"},
        {"contact": {"email": "not-an-email"}},
        {"unexpected": 1},
    ],
)
async def test_invalid_registrations_are_422(client, change):
    response = await client.post(
        BASE,
        json=NEW | {"slug": "valid-slug", "regional_key": "081110000001"} | change,
        headers=auth("platform_admin"),
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_update_with_if_match_announces_it(client, nats_server):
    admin = auth("platform_admin")
    current = await client.get(f"{BASE}/beispielheim", headers=admin)
    etag = current.headers["etag"]
    changed = await client.patch(
        f"{BASE}/beispielheim",
        json={"name": "Beispielheim a. N.", "active": False},
        headers=admin | {"If-Match": etag},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["active"] is False
    stale = await client.patch(
        f"{BASE}/beispielheim", json={"name": "X"}, headers=admin | {"If-Match": etag}
    )
    assert stale.status_code == 412
    mismatched = await client.patch(
        f"{BASE}/beispielheim", json={"federal_state": "BY"}, headers=admin
    )
    assert mismatched.status_code == 422
    nulls = await client.patch(f"{BASE}/beispielheim", json={"name": None}, headers=admin)
    assert nulls.status_code == 422
    found = await events_about(nats_server.url, "platform.municipality.updated", "beispielheim")
    assert len(found) == 1
    assert found[0]["data"]["active"] is False and found[0]["data"]["name"] == "Beispielheim a. N."
    listed = (await client.get(BASE)).json()["items"]
    assert "beispielheim" not in [m["slug"] for m in listed]
    everything = (await client.get(f"{BASE}?include_inactive=true", headers=admin)).json()
    assert "beispielheim" in [m["slug"] for m in everything["items"]]
    assert (
        await client.patch(f"{BASE}/nowhere", json={"name": "x"}, headers=admin)
    ).status_code == 404


async def test_demo_seed_is_idempotent(client):
    def demo_auth(role, municipality=None, sub=None):
        return auth(role, municipality, sub)

    await seed(client, demo_auth)
    await seed(client, demo_auth)
    slugs = [m["slug"] for m in (await client.get(f"{BASE}?limit=100")).json()["items"]]
    assert slugs.count("musterstadt") == 1 and slugs.count("anderstadt") == 1
