"""Consumed events over real NATS: use-case demand, open data requests, participation results."""

from __future__ import annotations

import asyncio
import uuid

import nats
import pytest

from catalog_service.demo import seed
from catalog_service.main import create_app
from servicekit.events.envelope import make_event
from servicekit.testing.apps import service_client

pytestmark = pytest.mark.db


async def publish(url: str, subject: str, data: dict) -> None:
    event = make_event("test", subject, data, entity_id=data.get("id"), municipality="musterstadt")
    nc = await nats.connect(url)
    try:
        await nc.jetstream().publish(
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
        await asyncio.sleep(0.1)


@pytest.fixture
async def events_client(settings, private_nats_server, identity):
    settings = settings.model_copy(update={"nats_url": private_nats_server.url})
    async with service_client(create_app(settings)) as client:
        await seed(client, identity)
        yield client, private_nats_server.url


def requirement(dataset_id: str | None, title: str) -> dict:
    return {
        "id": str(uuid.uuid4()), "use_case_id": str(uuid.uuid4()),
        "use_case_title": "Parkraum digital steuern", "municipality": "musterstadt",
        "dataset_id": dataset_id, "title": title, "description": "Für die Parkleitanzeige.",
        "open": True, "personal": False,
    }  # fmt: skip


async def test_use_case_demand_and_open_data_requests(events_client, identity):
    client, url = events_client
    parking = (await client.get("/api/v1/datasets/parkhausbelegung")).json()
    linked = requirement(parking["id"], "Parkhausbelegung")
    missing = requirement(None, "Belegung der Ladesäulen in Echtzeit")
    await publish(url, "usecase.data_requirement.added", linked)
    await publish(url, "usecase.data_requirement.added", missing)

    async def demand():
        ds = (await client.get("/api/v1/datasets/parkhausbelegung")).json()
        return ds["demand"]

    shown = await eventually(demand)
    assert shown[0]["use_case_title"] == "Parkraum digital steuern"
    assert shown[0]["use_case_id"] == linked["use_case_id"]

    async def requests():
        return (await client.get("/api/v1/data-requests")).json()["items"]

    open_requests = await eventually(requests)
    assert [r["title"] for r in open_requests] == ["Belegung der Ladesäulen in Echtzeit"]

    await publish(url, "usecase.data_requirement.removed", missing)

    async def closed():
        return (await requests()) == []

    await eventually(closed)


async def test_participation_results_become_an_open_dataset(events_client):
    client, url = events_client
    process = str(uuid.uuid4())
    await publish(
        url,
        "participation.results.published",
        {"id": process, "use_case_id": str(uuid.uuid4()), "municipality": "musterstadt",
         "title": "Radwegenetz 2030", "summary": "312 Beiträge, 5 Schwerpunkte.",
         "results": {"contributions": 312, "by_group": {"Bürger": 290, "Wirtschaft": 22}}},
    )  # fmt: skip

    async def dataset():
        answer = await client.get(f"/api/v1/datasets/beteiligung-{process}")
        return answer.json() if answer.status_code == 200 else None

    ds = await eventually(dataset)
    assert ds["status"] == "published"
    assert ds["title"] == "Beteiligungsergebnisse: Radwegenetz 2030"
    assert ds["license"]["id"] == "dl-by-de/2.0"
    [dist] = ds["distributions"]
    assert dist["format"] == "JSON" and dist["has_file"] and len(dist["checksum"]) == 64
