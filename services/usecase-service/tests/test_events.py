"""Events through a real NATS JetStream: what this service consumes and publishes."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import timedelta

import nats
import pytest

from servicekit.events.envelope import CloudEvent, make_event

URL = "/api/v1/use-cases"


async def eventually(check, timeout: float = 20.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not reached within {timeout}s: {result!r}")
        await asyncio.sleep(0.1)


@pytest.fixture
async def js(nats_server, client):
    connection = await nats.connect(nats_server.url)
    yield connection.jetstream()
    await connection.close()


async def publish(js, event: CloudEvent) -> None:
    subject = event.nats_subject

    async def attempt():
        try:
            await js.publish(
                subject, event.model_dump_json().encode(), headers={"Nats-Msg-Id": str(event.id)}
            )
        except nats.js.errors.NoStreamResponseError:
            return False
        return True

    await eventually(attempt)


def dataset_event(action: str, dataset_id: uuid.UUID, title: str, shift: float = 0) -> CloudEvent:
    event = make_event(
        "catalog-service",
        f"catalog.dataset.{action}",
        {
            "id": str(dataset_id),
            "municipality": "musterstadt",
            "name": "parkplaetze",
            "title": title,
            "modified": "2026-11-26",
            "landing_page": None,
        },
        entity_id=dataset_id,
        municipality="musterstadt",
    )
    return event.model_copy(update={"time": event.time + timedelta(seconds=shift)})


async def test_dataset_read_model_links_and_flags(client, editor, js, create_use_case):
    dataset_id = uuid.uuid4()
    created = await create_use_case(visibility="internal")
    needs = f"{URL}/{created['id']}/data-requirements"
    await publish(js, dataset_event("published", dataset_id, "Parkplätze"))

    async def linked():
        r = await client.post(
            needs, json={"title": "Parkplätze", "dataset_id": str(dataset_id)}, headers=editor
        )
        return r if r.status_code == 201 else None

    detail = (await eventually(linked)).json()
    assert detail["data_requirements"][0]["dataset_title"] == "Parkplätze"
    assert detail["flagged"] is False

    await publish(js, dataset_event("withdrawn", dataset_id, "Parkplätze", shift=1))

    async def flagged():
        r = await client.get(f"{URL}/{created['id']}", headers=editor)
        return r.json() if r.json()["flagged"] else None

    detail = await eventually(flagged)
    assert detail["data_requirements"][0]["dataset_withdrawn"] is True
    listed = await client.get(URL, params={"flagged": "true"}, headers=editor)
    assert created["id"] in [i["id"] for i in listed.json()["items"]]
    refused = await client.post(
        needs, json={"title": "x", "dataset_id": str(dataset_id)}, headers=editor
    )
    assert refused.status_code == 422
    assert "withdrawn" in refused.json()["detail"]

    # an older update arriving late does not undo the withdrawal; a newer publication does
    await publish(js, dataset_event("updated", dataset_id, "Alt", shift=-5))
    await publish(js, dataset_event("published", dataset_id, "Parkplätze 2", shift=5))

    async def cleared():
        r = await client.get(f"{URL}/{created['id']}", headers=editor)
        return r.json() if not r.json()["flagged"] else None

    detail = await eventually(cleared)
    assert detail["data_requirements"][0]["dataset_title"] == "Parkplätze 2"


async def test_supports_and_results_from_participation(client, editor, js, create_use_case):
    created = await create_use_case(visibility="public")
    use_case_id = created["id"]
    first, second = uuid.uuid4(), uuid.uuid4()

    def supports(process_id, count, shift=0.0):
        event = make_event(
            "participation-service",
            "participation.supports.changed",
            {
                "use_case_id": use_case_id,
                "process_id": str(process_id),
                "municipality": "musterstadt",
                "supports": count,
                "contributions": 3,
                "participants": count,
                "by_group": {"citizens": count},
            },
            entity_id=process_id,
            municipality="musterstadt",
        )
        return event.model_copy(update={"time": event.time + timedelta(seconds=shift)})

    await publish(js, supports(first, 10))
    await publish(js, supports(second, 5))
    await publish(js, supports(first, 2, shift=-60))  # stale: ignored

    async def summed():
        r = await client.get(f"{URL}/{use_case_id}", headers=editor)
        return r.json() if r.json()["supports"] == 15 else None

    detail = await eventually(summed)
    assert detail["participants"] == 15
    results = make_event(
        "participation-service",
        "participation.results.published",
        {
            "id": str(first),
            "use_case_id": use_case_id,
            "municipality": "musterstadt",
            "title": "Beteiligung Parkraum",
            "summary": "Große Zustimmung",
            "results": {"supports": 10},
        },
        entity_id=first,
        municipality="musterstadt",
    )
    await publish(js, results)

    async def linked():
        r = await client.get(f"{URL}/{use_case_id}", headers=editor)
        return r.json()["participation_results"] or None

    linked_results = await eventually(linked)
    assert linked_results[0]["title"] == "Beteiligung Parkraum"
    ranking = (
        await client.get(
            "/api/v1/portfolio", params={"municipality": "musterstadt"}, headers=editor
        )
    ).json()
    mine = next(i for i in ranking["items"] if i["id"] == use_case_id)
    assert mine["supports"] == 15
    assert mine["components"]["support"]["value"] == 15


async def test_events_reach_nats_as_cloudevents(client, editor, js, create_use_case):
    subscription = await js.subscribe("usecase.usecase.published", ordered_consumer=True)
    created = await create_use_case(visibility="public", title="Published via NATS")

    async def received():
        while True:
            message = await subscription.next_msg(timeout=10)
            event = json.loads(message.data)
            if event["subject"] == created["id"]:
                return event

    event = await received()
    await subscription.unsubscribe()
    assert event["type"] == "de.smartgov.usecase.usecase.published.v1"
    assert event["source"] == "/smartgov/usecase-service"
    assert event["municipality"] == "musterstadt"
    assert event["data"] == {
        "id": created["id"],
        "municipality": "musterstadt",
        "title": "Published via NATS",
        "status": "draft",
        "visibility": "public",
        "version": 1,
    }
