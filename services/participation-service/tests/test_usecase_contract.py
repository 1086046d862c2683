"""The use-case events as the use-case service really sends them (found by the platform's
end-to-end scenario): `status` is the lifecycle step, never "published"."""

from __future__ import annotations

MUN = "musterstadt"


async def test_public_use_case_walking_its_steps_can_have_a_process(client, identity, h):
    use_case_id = await h.use_case(action="created", status="draft", version=1)
    await h.use_case(action="published", status="draft", version=1, use_case_id=use_case_id)
    await h.use_case(
        action="status_changed", status="problem_defined", version=2, use_case_id=use_case_id
    )
    body = {"use_case_id": str(use_case_id), "title": "Parken", "phases": [h.phase()]}
    r = await client.post("/api/v1/processes", json=body, headers=identity("editor", MUN))
    assert r.status_code == 201, r.text


async def test_internal_use_case_stays_without_process(client, identity, h):
    use_case_id = await h.use_case(action="created", status="draft", visibility="internal")
    body = {"use_case_id": str(use_case_id), "title": "Parken", "phases": [h.phase()]}
    r = await client.post("/api/v1/processes", json=body, headers=identity("editor", MUN))
    assert h.is_problem(r, 422)


async def test_moderators_open_and_close_but_do_not_set_up(client, identity, make_process):
    process = await make_process(open_=False)
    moderator = identity("moderator", MUN)
    url = f"/api/v1/processes/{process['id']}"
    assert (await client.patch(url, json={"title": "x"}, headers=moderator)).status_code == 403
    opened = await client.post(f"{url}/open", headers=moderator)
    assert opened.status_code == 200, opened.text
    assert opened.json()["status"] == "open"
    closed = await client.post(f"{url}/close", headers=moderator)
    assert closed.json()["status"] == "closed"
    other = identity("moderator", "beispielhausen")
    assert (await client.post(f"{url}/open", headers=other)).status_code in (403, 404, 409)


def test_demo_picks_a_public_use_case_as_the_use_case_service_lists_it():
    from participation_service import demo

    listed = {"items": [{"status": "assessed", "visibility": "public", "id": "x"}]}
    assert demo._eligible(listed["items"][0])
    assert not demo._eligible({"status": "draft", "visibility": "internal"})
