"""Reports hide content automatically; moderators hide, restore, block; all audited."""

from __future__ import annotations

import asyncio

MUN = "musterstadt"


async def visible_titles(client, process_id: str) -> list[str]:
    items = (await client.get(f"/api/v1/processes/{process_id}/contributions")).json()["items"]
    return [c["title"] for c in items]


async def test_three_reports_hide_automatically(client, identity, make_process, participant, h):
    process = await make_process()
    c = await h.contribute(client, process["id"], await participant(), title="Kauft Uhren!")
    url = f"/api/v1/contributions/{c['id']}/reports"
    reporters = [await participant() for _ in range(3)]
    first = await client.post(url, json={"reason": "spam"}, headers=reporters[0])
    assert first.status_code == 201 and first.json()["hidden"] is False
    assert h.is_problem(await client.post(url, json={"reason": "spam"}, headers=reporters[0]), 409)
    assert h.is_problem(
        await client.post(url, json={"reason": "boring"}, headers=reporters[1]), 422
    )
    assert h.is_problem(await client.post(url, json={"reason": "spam"}), 401)
    answers = await asyncio.gather(
        *(client.post(url, json={"reason": "offensive"}, headers=r) for r in reporters[1:])
    )
    assert [r.status_code for r in answers] == [201, 201]
    assert "Kauft Uhren!" not in await visible_titles(client, process["id"])
    assert (await client.get(f"/api/v1/contributions/{c['id']}")).status_code == 404
    moderator = identity("moderator", MUN)
    queue = (
        await client.get(
            "/api/v1/moderation/queue", params={"municipality": MUN}, headers=moderator
        )
    ).json()["items"]
    item = next(i for i in queue if i["target_id"] == c["id"])
    assert (
        item["hidden"] is True
        and item["reports"] == 3
        and item["reasons"] == {"spam": 1, "offensive": 2}
    )
    log = (
        await client.get("/api/v1/moderation/log", params={"municipality": MUN}, headers=moderator)
    ).json()["items"]
    assert any(e["target_id"] == c["id"] and e["actor"] == "system:auto-hide" for e in log)


async def test_moderators_hide_and_restore_with_audit(
    client, identity, make_process, participant, h
):
    process = await make_process()
    c = await h.contribute(client, process["id"], await participant(), title="Grenzfall")
    moderator = identity("moderator", MUN)
    action = {
        "action": "hide",
        "target_type": "contribution",
        "target_id": c["id"],
        "reason": "Beleidigung",
    }
    assert h.is_problem(
        await client.post("/api/v1/moderation/actions", json=action, headers=await participant()),
        404,
    )
    assert h.is_problem(
        await client.post(
            "/api/v1/moderation/actions", json=action, headers=identity("moderator", "otherstadt")
        ),
        404,
    )
    assert (
        await client.post("/api/v1/moderation/actions", json=action, headers=moderator)
    ).status_code == 201
    assert "Grenzfall" not in await visible_titles(client, process["id"])
    assert h.is_problem(
        await client.post("/api/v1/moderation/actions", json=action, headers=moderator), 409
    )
    restore = action | {"action": "restore"}
    assert (
        await client.post("/api/v1/moderation/actions", json=restore, headers=moderator)
    ).status_code == 201
    assert "Grenzfall" in await visible_titles(client, process["id"])
    log = (
        await client.get("/api/v1/moderation/log", params={"municipality": MUN}, headers=moderator)
    ).json()["items"]
    mine = [e["action"] for e in log if e["target_id"] == c["id"]]
    assert mine == ["restore", "hide"]
    assert h.is_problem(
        await client.get(
            "/api/v1/moderation/log", params={"municipality": MUN}, headers=await participant()
        ),
        403,
    )


async def test_blocking_hides_everything_and_stops_writes(
    client, identity, make_process, participant, h
):
    process = await make_process()
    troll = await participant()
    a = await h.contribute(client, process["id"], troll, title="Troll 1")
    await h.contribute(client, process["id"], troll, title="Troll 2")
    other = await h.contribute(client, process["id"], await participant(), title="Sachlich")
    await client.post(
        f"/api/v1/contributions/{other['id']}/comments",
        json={"body": "Trollkommentar"},
        headers=troll,
    )
    moderator = identity("moderator", MUN)
    queue_item = {"action": "hide", "target_type": "contribution", "target_id": a["id"]}
    await client.post("/api/v1/moderation/actions", json=queue_item, headers=moderator)
    queue = (
        await client.get(
            "/api/v1/moderation/queue", params={"municipality": MUN}, headers=moderator
        )
    ).json()["items"]
    author = next(i["author_id"] for i in queue if i["target_id"] == a["id"])
    block = {
        "action": "block",
        "target_type": "participant",
        "target_id": author,
        "municipality": MUN,
        "reason": "Spam",
    }
    assert (
        await client.post("/api/v1/moderation/actions", json=block, headers=moderator)
    ).status_code == 201
    assert await visible_titles(client, process["id"]) == ["Sachlich"]
    assert (await client.get(f"/api/v1/contributions/{other['id']}/comments")).json()["items"] == []
    r = await client.post(
        f"/api/v1/processes/{process['id']}/contributions",
        json={"kind": "idea", "title": "x", "body": "y"},
        headers=troll,
    )
    assert h.is_problem(r, 403)
    unblock = block | {"action": "unblock"}
    assert (
        await client.post("/api/v1/moderation/actions", json=unblock, headers=moderator)
    ).status_code == 201
    assert sorted(await visible_titles(client, process["id"])) == ["Sachlich", "Troll 2"]


async def test_bad_actions(client, identity, h):
    moderator = identity("moderator", MUN)
    for body in (
        {"action": "block", "target_type": "contribution", "target_id": "x"},
        {"action": "block", "target_type": "participant", "target_id": "x"},
        {"action": "hide", "target_type": "participant", "target_id": "x", "municipality": MUN},
        {"action": "delete", "target_type": "comment", "target_id": "x"},
    ):
        assert h.is_problem(
            await client.post("/api/v1/moderation/actions", json=body, headers=moderator), 422
        )
    missing = {"action": "hide", "target_type": "comment", "target_id": "not-a-uuid"}
    assert h.is_problem(
        await client.post("/api/v1/moderation/actions", json=missing, headers=moderator), 404
    )
