"""Pagination, ETag / If-Match and Idempotency-Key through the sample service."""

from __future__ import annotations

import asyncio

from kit_helpers import count
from sampleapp import Note


async def test_cursor_pagination_walks_every_item_once(sample_client, nats_server, identity):
    headers = identity("editor", "musterstadt")
    async with sample_client(nats_server.url) as (_, client):
        for i in range(7):
            r = await client.post("/api/v1/notes", json={"text": f"note {i % 3}"}, headers=headers)
            assert r.status_code == 201
        seen, cursor = [], None
        while True:
            params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
            page = (await client.get("/api/v1/notes", params=params)).json()
            seen.extend(item["id"] for item in page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                break
        bad = await client.get("/api/v1/notes", params={"cursor": "garbage!!"})
        too_many = await client.get("/api/v1/notes", params={"limit": 101})
    assert len(seen) == 7 and len(set(seen)) == 7
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "query.cursor"
    assert too_many.status_code == 422


async def test_if_match_guards_updates(sample_client, nats_server, identity):
    headers = identity("editor", "musterstadt")
    async with sample_client(nats_server.url) as (_, client):
        created = (await client.post("/api/v1/notes", json={"text": "v1"}, headers=headers)).json()
        url = f"/api/v1/notes/{created['id']}"
        etag = (await client.get(url)).headers["etag"]
        ok = await client.patch(url, json={"text": "v2"}, headers={**headers, "If-Match": etag})
        stale = await client.patch(url, json={"text": "v3"}, headers={**headers, "If-Match": etag})
        current = (await client.get(url)).json()
    assert ok.status_code == 200 and ok.headers["etag"] != etag
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    assert current["text"] == "v2"


async def test_idempotency_key_replays_and_refuses_reuse(sample_client, nats_server, identity):
    headers = {**identity("editor", "musterstadt"), "Idempotency-Key": "req-1"}
    async with sample_client(nats_server.url) as (app, client):
        first = await client.post("/api/v1/notes", json={"text": "once"}, headers=headers)
        again = await client.post("/api/v1/notes", json={"text": "once"}, headers=headers)
        other = await client.post("/api/v1/notes", json={"text": "different"}, headers=headers)
        other_caller = await client.post(
            "/api/v1/notes",
            json={"text": "once"},
            headers={**identity("editor", "musterstadt", sub="bob"), "Idempotency-Key": "req-1"},
        )
        notes = await count(app.state.runtime.db, Note)
    assert first.status_code == 201
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert other.status_code == 422
    assert other_caller.status_code == 201 and other_caller.json()["id"] != first.json()["id"]
    assert notes == 2


async def test_concurrent_retries_with_one_key_create_one_record(
    sample_client, nats_server, identity
):
    headers = {**identity("editor", "musterstadt"), "Idempotency-Key": "burst"}
    async with sample_client(nats_server.url) as (app, client):
        results = await asyncio.gather(
            *[
                client.post("/api/v1/notes", json={"text": "burst"}, headers=headers)
                for _ in range(8)
            ]
        )
        notes = await count(app.state.runtime.db, Note)
    assert notes == 1
    assert {r.status_code for r in results} <= {201, 409}
    assert sum(r.status_code == 201 for r in results) >= 1
