"""Through a real nats-server: use-case events fill the read model; our events are published."""

from __future__ import annotations

import asyncio
import json
import uuid

import nats

from servicekit.events.envelope import make_event

MUN = "musterstadt"


async def publish(url: str, subject: str, data: dict) -> None:
    event = make_event(
        "usecase-service", subject, data, entity_id=data["id"], municipality=data["municipality"]
    )
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        await js.publish(
            subject, event.model_dump_json().encode(), headers={"Nats-Msg-Id": str(event.id)}
        )
    finally:
        await nc.close()


async def eventually(check, timeout: float = 20.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.2)


async def test_published_use_case_event_allows_a_process_and_opening_is_published(
    app, client, identity, nats_server, h
):
    runtime = app.state.runtime
    await runtime.bus.wait_connected(10)
    use_case_id = str(uuid.uuid4())
    data = {
        "id": use_case_id,
        "municipality": MUN,
        "title": "Smarte Beleuchtung",
        "status": "published",
        "visibility": "public",
        "version": 2,
    }
    await publish(nats_server.url, "usecase.usecase.published", data)
    editor = identity("editor", MUN)
    body = {"use_case_id": use_case_id, "title": "Licht", "phases": [h.phase()]}

    async def created():
        r = await client.post("/api/v1/processes", json=body, headers=editor)
        return r if r.status_code == 201 else None

    process = (await eventually(created)).json()
    assert process["use_case_title"] == "Smarte Beleuchtung"
    nc = await nats.connect(nats_server.url)
    try:
        sub = await nc.jetstream().subscribe("participation.process.opened", ordered_consumer=True)
        await client.post(f"/api/v1/processes/{process['id']}/open", headers=editor)
        seen = []
        while not any(e["data"]["id"] == process["id"] for e in seen):
            msg = await sub.next_msg(timeout=20)
            seen.append(json.loads(msg.data))
    finally:
        await nc.close()
    archived = data | {"status": "archived", "version": 3}
    await publish(nats_server.url, "usecase.usecase.archived", archived)

    async def closed():
        return (await client.get(f"/api/v1/processes/{process['id']}")).json()["status"] == "closed"

    await eventually(closed)
