"""Outbox, relay and consumers against a real nats-server and a real database."""

from __future__ import annotations

import asyncio
import json
import uuid

import nats
from sqlalchemy import delete, func, select

from kit_helpers import count, eventually
from sampleapp import Note, Seen, outbox
from servicekit.events.envelope import make_event
from servicekit.events.outbox import OutboxRelay


async def stream_messages(url: str, stream: str = "USECASE") -> int:
    nc = await nats.connect(url)
    try:
        info = await nc.jetstream().stream_info(stream)
        return int(info.state.messages)
    finally:
        await nc.close()


async def publish_raw(url: str, subject: str, payload: bytes, msg_id: str | None = None) -> None:
    nc = await nats.connect(url)
    try:
        headers = {"Nats-Msg-Id": msg_id} if msg_id else None
        await nc.jetstream().publish(subject, payload, headers=headers)
    finally:
        await nc.close()


async def unpublished(db) -> int:
    table = outbox.kit.outbox
    async with db.sessions() as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(table).where(table.c.published_at.is_(None))
            )
        )


async def test_rolled_back_event_is_never_published(sample_client, private_nats_server, identity):
    async with sample_client(private_nats_server.url) as (app, client):
        runtime = app.state.runtime
        await runtime.bus.wait_connected(10)
        failed = await client.post(
            "/api/v1/notes",
            json={"text": "doomed", "fail": True},
            headers=identity("editor", "musterstadt"),
        )
        assert failed.status_code == 500
        ok = await client.post(
            "/api/v1/notes", json={"text": "kept"}, headers=identity("editor", "musterstadt")
        )
        assert ok.status_code == 201
        await eventually(lambda: _seen(runtime.db, 1))
        assert await count(runtime.db, Note) == 1
        assert await unpublished(runtime.db) == 0
    assert await stream_messages(private_nats_server.url) == 1


async def _seen(db, n: int) -> bool:
    return await count(db, Seen) >= n


async def test_event_committed_while_nats_down_is_published_when_back(
    sample_client, private_nats_server, identity
):
    async with sample_client(private_nats_server.url) as (app, client):
        runtime = app.state.runtime
        await runtime.bus.wait_connected(10)
        private_nats_server.stop()
        await eventually(lambda: _not_ready(client))
        r = await client.post(
            "/api/v1/notes", json={"text": "offline"}, headers=identity("editor", "musterstadt")
        )
        assert r.status_code == 201
        await asyncio.sleep(1.0)
        assert await unpublished(runtime.db) == 1
        private_nats_server.start()
        await eventually(lambda: _seen(runtime.db, 1), timeout=30)
        assert await unpublished(runtime.db) == 0
        # The consumer rode out the restart too: a new event still arrives.
        r2 = await client.post(
            "/api/v1/notes", json={"text": "after"}, headers=identity("editor", "musterstadt")
        )
        assert r2.status_code == 201
        await eventually(lambda: _seen(runtime.db, 2), timeout=30)
        ready = await eventually(lambda: _ready(client), timeout=15)
        assert ready
    assert await stream_messages(private_nats_server.url) == 2


async def _not_ready(client) -> bool:
    r = await client.get("/readyz")
    return r.status_code == 503 and "nats" in r.json()["checks"]


async def _ready(client) -> bool:
    return (await client.get("/readyz")).status_code == 200


async def test_redelivered_event_takes_effect_once(sample_client, private_nats_server):
    async with sample_client(private_nats_server.url) as (app, _):
        runtime = app.state.runtime
        await runtime.bus.wait_connected(10)
        event = make_event("test", "usecase.note.created", {"id": "n-1", "text": "hello"})
        payload = event.model_dump_json().encode()
        # Different Nats-Msg-Ids defeat the server's duplicate window: only the inbox protects.
        for _ in range(3):
            await publish_raw(
                private_nats_server.url, "usecase.note.created", payload, uuid.uuid4().hex
            )
        marker = make_event("test", "usecase.note.created", {"id": "n-2", "text": "marker"})
        await publish_raw(
            private_nats_server.url, "usecase.note.created", marker.model_dump_json().encode()
        )
        await eventually(lambda: _seen_id(runtime.db, "n-2"))
        assert await count(runtime.db, Seen, note_id="n-1") == 1


async def _seen_id(db, note_id: str) -> bool:
    return await count(db, Seen, note_id=note_id) > 0


async def test_poison_event_lands_in_dead_letters_and_others_flow(
    sample_client, private_nats_server
):
    async with sample_client(private_nats_server.url) as (app, _):
        runtime = app.state.runtime
        await runtime.bus.wait_connected(10)
        poison = make_event("test", "usecase.note.created", {"id": "bad", "text": "poison"})
        await publish_raw(
            private_nats_server.url, "usecase.note.created", poison.model_dump_json().encode()
        )
        await publish_raw(private_nats_server.url, "usecase.note.created", b"not even json")
        for i in range(5):
            good = make_event("test", "usecase.note.created", {"id": f"good-{i}", "text": "fine"})
            await publish_raw(
                private_nats_server.url, "usecase.note.created", good.model_dump_json().encode()
            )
        await eventually(lambda: _seen(runtime.db, 5))
        dead = runtime.kit.dead_letters

        async def dead_letters() -> list:
            async with runtime.db.sessions() as session:
                return (await session.execute(select(dead))).all()

        rows = await eventually(lambda: _at_least(dead_letters, 2), timeout=30)
        by_event = {row.event_id: row for row in rows}
        assert by_event[str(poison.id)].deliveries == 3  # max_deliver of the sample service
        assert "poison" in by_event[str(poison.id)].error
        assert by_event[None].payload == b"not even json"
        assert await count(runtime.db, Seen, note_id="bad") == 0


async def _at_least(fetch, n: int):
    rows = await fetch()
    return rows if len(rows) >= n else None


async def test_two_relays_publish_each_event_once(sample_client, private_nats_server, identity):
    async with sample_client(private_nats_server.url) as (app, _):
        runtime = app.state.runtime
        await runtime.bus.wait_connected(10)
        await runtime.relay.stop()  # replaced by two competing relays below
        total = 300
        async with runtime.db.transaction() as session:
            for i in range(total):
                await outbox.emit(session, "usecase.note.created", {"id": f"x{i}", "text": "t"})
        relays = [
            OutboxRelay(runtime.db, outbox, runtime.bus, batch_size=25, poll_seconds=0.05)
            for _ in range(2)
        ]
        for relay in relays:
            relay.start()
        await eventually(lambda: _all_published(runtime.db), timeout=60)
        for relay in relays:
            await relay.stop()
        assert sum(r.published for r in relays) == total
        await eventually(lambda: _seen(runtime.db, total), timeout=60)
        assert await count(runtime.db, Seen) == total
    assert await stream_messages(private_nats_server.url) == total


async def _all_published(db) -> bool:
    return await unpublished(db) == 0


async def test_events_keep_their_order(sample_client, private_nats_server):
    async with sample_client(private_nats_server.url) as (app, _):
        runtime = app.state.runtime
        await runtime.bus.wait_connected(10)
        async with runtime.db.transaction() as session:
            for i in range(50):
                await outbox.emit(session, "usecase.note.ordered", {"n": i})
        await eventually(lambda: _all_published(runtime.db), timeout=30)
    nc = await nats.connect(private_nats_server.url)
    try:
        sub = await nc.jetstream().pull_subscribe("usecase.note.ordered", durable="order-check")
        msgs = await sub.fetch(50, timeout=5)
        assert [json.loads(m.data)["data"]["n"] for m in msgs] == list(range(50))
    finally:
        await nc.close()


async def test_read_model_rebuilt_by_replaying_the_stream_gives_the_same_state(
    sample_client, private_nats_server
):
    """Operators rebuild a read model by emptying it and its inbox and deleting the durable:
    the consumer is recreated on start with DeliverPolicy.ALL and replays the stream."""
    async with sample_client(private_nats_server.url) as (app, _):
        runtime = app.state.runtime
        await runtime.bus.wait_connected(10)
        async with runtime.db.transaction() as session:
            for i in range(120):
                await outbox.emit(
                    session, "usecase.note.created", {"id": f"r{i % 40}", "text": "t"}
                )
        await eventually(lambda: _seen(runtime.db, 120), timeout=30)
        before = await _seen_rows(runtime.db)
        await runtime.consumer.stop()
        async with runtime.db.transaction() as session:
            await session.execute(delete(Seen))
            await session.execute(delete(runtime.kit.inbox))
        assert runtime.bus.js is not None
        await runtime.bus.js.delete_consumer("USECASE", runtime.consumer.durable)
    async with sample_client(private_nats_server.url) as (app, _):
        runtime = app.state.runtime
        await eventually(lambda: _seen(runtime.db, 120), timeout=30)
        await asyncio.sleep(0.5)  # nothing beyond the replay may arrive
        assert await _seen_rows(runtime.db) == before


async def _seen_rows(db) -> list[tuple[str, int]]:
    async with db.sessions() as session:
        rows = (
            await session.execute(
                select(Seen.note_id, func.count()).group_by(Seen.note_id).order_by(Seen.note_id)
            )
        ).all()
    return [(r[0], r[1]) for r in rows]
