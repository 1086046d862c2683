"""The demo seed against the real service. The use-case service is stood in for by one
route (its list answer) and by delivering its `published` event to our handler late, so
the seed has to wait for the read model."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from participation_service import demo

MUN = "musterstadt"


async def test_demo_seed_waits_for_the_use_case_and_is_idempotent(app, client, identity, h):
    use_case_id = uuid.uuid4()
    service = httpx.ASGITransport(app=app)

    async def route(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/use-cases":
            item = {
                "id": str(use_case_id),
                "title": "Parken",
                "status": "piloting",
                "visibility": "public",
            }
            return httpx.Response(200, json={"items": [item], "next_cursor": None})
        return await service.handle_async_request(request)

    def auth(role: str, municipality: str | None = None, sub: str | None = None) -> dict[str, str]:
        return identity(role, municipality, sub=sub)

    async def event_arrives_late() -> None:
        await asyncio.sleep(1.0)
        await h.use_case(use_case_id=use_case_id)

    async with httpx.AsyncClient(transport=httpx.MockTransport(route), base_url="http://gw") as gw:
        await asyncio.gather(demo.seed(gw, auth), event_arrives_late())
        await demo.seed(gw, auth)
    processes = (
        await client.get("/api/v1/processes", params={"use_case_id": str(use_case_id)})
    ).json()["items"]
    assert len(processes) == 1 and processes[0]["status"] == "open"
    items = (await client.get(f"/api/v1/processes/{processes[0]['id']}/contributions")).json()[
        "items"
    ]
    assert {c["stakeholder_group"] for c in items} == {
        "citizen",
        "business",
        "administration",
        "other",
    }
    results = (await client.get(f"/api/v1/processes/{processes[0]['id']}/results")).json()
    assert results["totals"]["supports"] == 6 and results["surveys"][0]["responses"] == 4
