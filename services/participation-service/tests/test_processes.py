"""Processes: only on published public use cases, visibility, phases, open/close, events."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from participation_service.processes.models import Process
from servicekit.tables import KitTables  # noqa: F401

MUN = "musterstadt"


async def outbox_subjects(app) -> list[str]:
    kit = app.state.runtime.kit
    async with app.state.runtime.db.sessions() as session:
        return list(
            (await session.scalars(select(kit.outbox.c.subject).order_by(kit.outbox.c.seq))).all()
        )


async def test_process_needs_a_published_public_use_case(client, identity, h):
    editor = identity("editor", MUN)
    body = {"title": "T", "phases": [h.phase()]}
    unknown = await client.post(
        "/api/v1/processes", json=body | {"use_case_id": str(uuid.uuid4())}, headers=editor
    )
    assert h.is_problem(unknown, 422)
    draft = await h.use_case(action="created", status="draft")
    r = await client.post(
        "/api/v1/processes", json=body | {"use_case_id": str(draft)}, headers=editor
    )
    assert h.is_problem(r, 422)
    internal = await h.use_case(visibility="internal")
    r = await client.post(
        "/api/v1/processes", json=body | {"use_case_id": str(internal)}, headers=editor
    )
    assert h.is_problem(r, 422)
    published = await h.use_case()
    r = await client.post(
        "/api/v1/processes", json=body | {"use_case_id": str(published)}, headers=editor
    )
    assert r.status_code == 201
    assert r.json()["municipality"] == MUN and r.json()["status"] == "draft"
    assert r.json()["use_case_title"] == "Parken"


async def test_only_editors_of_the_municipality_create(client, identity, h):
    use_case = str(await h.use_case())
    body = {"use_case_id": use_case, "title": "T", "phases": [h.phase()]}
    assert h.is_problem(await client.post("/api/v1/processes", json=body), 401)
    assert h.is_problem(
        await client.post("/api/v1/processes", json=body, headers=identity("participant", sub="x")),
        403,
    )
    assert h.is_problem(
        await client.post("/api/v1/processes", json=body, headers=identity("editor", "otherstadt")),
        403,
    )


async def test_bad_phases_are_refused(client, identity, h):
    use_case = str(await h.use_case())
    editor = identity("editor", MUN)
    start = h.now()
    backwards = h.phase(
        starts_at=start.isoformat(), ends_at=(start - timedelta(hours=1)).isoformat()
    )
    overlapping = [h.phase(), h.phase()]
    for phases in ([backwards], overlapping, []):
        r = await client.post(
            "/api/v1/processes",
            json={"use_case_id": use_case, "title": "T", "phases": phases},
            headers=editor,
        )
        assert h.is_problem(r, 422), r.text


async def test_drafts_are_hidden_and_open_emits_event(app, client, identity, make_process):
    draft = await make_process(open_=False)
    pid = draft["id"]
    assert (await client.get(f"/api/v1/processes/{pid}")).status_code == 404
    listed = (await client.get("/api/v1/processes", params={"municipality": MUN})).json()["items"]
    assert pid not in [p["id"] for p in listed]
    assert (
        await client.get(f"/api/v1/processes/{pid}", headers=identity("viewer", MUN))
    ).status_code == 200
    r = await client.post(f"/api/v1/processes/{pid}/open", headers=identity("editor", MUN))
    assert r.status_code == 200 and r.json()["status"] == "open"
    assert r.json()["current_phase_id"] == r.json()["phases"][0]["id"]
    assert (await client.get(f"/api/v1/processes/{pid}")).status_code == 200
    assert "participation.process.opened" in await outbox_subjects(app)
    again = await client.post(f"/api/v1/processes/{pid}/open", headers=identity("editor", MUN))
    assert again.status_code == 409


async def test_update_with_if_match(client, identity, make_process, h):
    process = await make_process()
    pid, editor = process["id"], identity("editor", MUN)
    current = await client.get(f"/api/v1/processes/{pid}")
    etag = current.headers["etag"]
    r = await client.patch(
        f"/api/v1/processes/{pid}", json={"allow_guests": True}, headers=editor | {"If-Match": etag}
    )
    assert r.status_code == 200 and r.json()["allow_guests"] is True
    stale = await client.patch(
        f"/api/v1/processes/{pid}", json={"title": "X"}, headers=editor | {"If-Match": etag}
    )
    assert h.is_problem(stale, 412)
    phases = await client.patch(
        f"/api/v1/processes/{pid}", json={"phases": [h.phase()]}, headers=editor
    )
    assert h.is_problem(phases, 409)


async def test_archived_use_case_closes_its_processes(app, client, make_process, h):
    process = await make_process()
    async with app.state.runtime.db.sessions() as session:
        use_case_id = (await session.get(Process, uuid.UUID(process["id"]))).use_case_id
    await h.use_case(action="archived", use_case_id=use_case_id, version=2, status="archived")
    r = await client.get(f"/api/v1/processes/{process['id']}")
    assert r.json()["status"] == "closed"
    assert "participation.process.closed" in await outbox_subjects(app)


async def test_late_older_use_case_event_is_ignored(app, client, identity, h):
    use_case_id = await h.use_case(version=3)
    await h.use_case(action="created", status="draft", use_case_id=use_case_id, version=1)
    r = await client.post(
        "/api/v1/processes",
        json={"use_case_id": str(use_case_id), "title": "T", "phases": [h.phase()]},
        headers=identity("editor", MUN),
    )
    assert r.status_code == 201


async def test_invite_only_process(client, identity, make_process, participant, h):
    process = await make_process(visibility="invite_only")
    pid = process["id"]
    guest = await participant("outsider")
    invited = await participant("insider")
    assert (await client.get(f"/api/v1/processes/{pid}", headers=guest)).status_code == 404
    r = await client.post(
        f"/api/v1/processes/{pid}/invitations",
        json={"subjects": ["insider"]},
        headers=identity("editor", MUN),
    )
    assert r.status_code == 200
    assert (await client.get(f"/api/v1/processes/{pid}", headers=invited)).status_code == 200
    assert (await client.get(f"/api/v1/processes/{pid}", headers=guest)).status_code == 404
    listed = (await client.get("/api/v1/processes", headers=invited)).json()["items"]
    assert pid in [p["id"] for p in listed]
    r = await client.post(
        f"/api/v1/processes/{pid}/contributions",
        json={"kind": "idea", "title": "a", "body": "b"},
        headers=guest,
    )
    assert h.is_problem(r, 404)
    await h.contribute(client, pid, invited)
