"""Contributions and comments: bad input changes nothing, guests, authorship, answers."""

from __future__ import annotations

from datetime import timedelta

import pytest

MUN = "musterstadt"
BOWTIE = [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]
SQUARE = [[[9.0, 48.0], [9.1, 48.0], [9.1, 48.1], [9.0, 48.1], [9.0, 48.0]]]


async def count(client, process_id: str, **params) -> int:
    return len(
        (
            await client.get(
                f"/api/v1/processes/{process_id}/contributions", params=params | {"limit": 100}
            )
        ).json()["items"]
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"title": "<script>alert(1)</script>"},
        {"body": "Klick <a href='x'>hier</a>"},
        {"body": "javascript:alert(1)"},
        {"title": "   "},
        {"kind": "rant"},
        {"category": "Unbekannt"},
        {"geometry": {"type": "Point", "coordinates": [200, 48]}},
        {"geometry": {"type": "Polygon", "coordinates": BOWTIE}},
        {"geometry": {"type": "Polygon", "coordinates": [[[9, 48], [9.1, 48], [9.1, 48.1]]]}},
        {
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[9, 48], [9.1, 48], [9.1, 48.1], [9, 48.2]]],
            }
        },
        {"geometry": {"type": "LineString", "coordinates": [[9, 48], [9.1, 48]]}},
        {"extra": "field"},
    ],
)
async def test_bad_contributions_change_nothing(client, make_process, participant, h, bad):
    process = await make_process()
    me = await participant()
    payload = {"kind": "idea", "title": "Titel", "body": "Text", "category": "Verkehr"} | bad
    r = await client.post(
        f"/api/v1/processes/{process['id']}/contributions", json=payload, headers=me
    )
    assert h.is_problem(r, 422), r.text
    assert await count(client, process["id"]) == 0


async def test_text_is_stored_as_given_and_geometry_kept(client, make_process, participant, h):
    process = await make_process()
    c = await h.contribute(
        client,
        process["id"],
        await participant(),
        title="Tempo 30 < 50 & leiser",
        body="Zeile 1\nZeile 2",
        geometry={"type": "Polygon", "coordinates": SQUARE},
    )
    got = (await client.get(f"/api/v1/contributions/{c['id']}")).json()
    assert got["title"] == "Tempo 30 < 50 & leiser" and got["body"] == "Zeile 1\nZeile 2"
    assert got["geometry"]["type"] == "Polygon"
    assert got["created_at"].endswith("00:00Z") or ":00:00" in got["created_at"]


async def test_guests_only_where_allowed(client, make_process, h):
    closed = await make_process()
    r = await client.post(
        f"/api/v1/processes/{closed['id']}/contributions",
        json={"kind": "idea", "title": "a", "body": "b", "stakeholder_group": "citizen"},
    )
    assert h.is_problem(r, 401)
    assert await count(client, closed["id"]) == 0
    open_ = await make_process(allow_guests=True)
    no_group = await client.post(
        f"/api/v1/processes/{open_['id']}/contributions",
        json={"kind": "idea", "title": "a", "body": "b"},
    )
    assert h.is_problem(no_group, 422)
    ok = await client.post(
        f"/api/v1/processes/{open_['id']}/contributions",
        json={"kind": "idea", "title": "a", "body": "b", "stakeholder_group": "business"},
    )
    assert ok.status_code == 201 and ok.json()["stakeholder_group"] == "business"


async def test_group_must_be_declared(client, identity, make_process, h):
    process = await make_process()
    r = await client.post(
        f"/api/v1/processes/{process['id']}/contributions",
        json={"kind": "idea", "title": "a", "body": "b"},
        headers=identity("participant", sub="newbie"),
    )
    assert h.is_problem(r, 422) and "stakeholder group" in r.json()["detail"]


async def test_phase_decides_kinds_and_dates(client, make_process, participant, h):
    ideas_only = await make_process(phases=[h.phase(contribution_types=["idea"])])
    me = await participant()
    r = await client.post(
        f"/api/v1/processes/{ideas_only['id']}/contributions",
        json={"kind": "problem", "title": "a", "body": "b"},
        headers=me,
    )
    assert h.is_problem(r, 409)
    later = h.now() + timedelta(days=3)
    future = await make_process(
        phases=[
            h.phase(starts_at=later.isoformat(), ends_at=(later + timedelta(days=1)).isoformat())
        ]
    )
    r = await client.post(
        f"/api/v1/processes/{future['id']}/contributions",
        json={"kind": "idea", "title": "a", "body": "b"},
        headers=me,
    )
    assert h.is_problem(r, 409)


async def test_only_the_author_edits_or_withdraws(client, make_process, participant, h):
    process = await make_process()
    author, other = await participant(), await participant()
    c = await h.contribute(client, process["id"], author)
    url = f"/api/v1/contributions/{c['id']}"
    assert h.is_problem(await client.patch(url, json={"title": "gekapert"}, headers=other), 403)
    assert h.is_problem(await client.post(f"{url}/withdraw", headers=other), 403)
    assert (await client.get(url)).json()["title"] == c["title"]
    mine = await client.patch(url, json={"title": "Besser"}, headers=author)
    assert (
        mine.status_code == 200 and mine.json()["title"] == "Besser" and mine.json()["mine"] is True
    )
    assert (await client.post(f"{url}/withdraw", headers=author)).json()["state"] == "withdrawn"


async def test_official_answer_is_drafted_then_published(
    client, identity, make_process, participant, h
):
    process = await make_process()
    c = await h.contribute(client, process["id"], await participant())
    url = f"/api/v1/contributions/{c['id']}"
    editor = identity("editor", MUN)
    assert h.is_problem(
        await client.put(
            f"{url}/answer", json={"state": "accepted", "answer": "Ja"}, headers=await participant()
        ),
        403,
    )
    assert h.is_problem(await client.post(f"{url}/answer/publish", headers=editor), 409)
    drafted = await client.put(
        f"{url}/answer", json={"state": "accepted", "answer": "Wird umgesetzt."}, headers=editor
    )
    assert drafted.status_code == 200 and drafted.json()["draft_state"] == "accepted"
    public = (await client.get(url)).json()
    assert (
        public["state"] == "submitted"
        and public["answer"] is None
        and public["draft_answer"] is None
    )
    published = await client.post(f"{url}/answer/publish", headers=editor)
    assert published.json()["state"] == "accepted"
    public = (await client.get(url)).json()
    assert public["answer"] == "Wird umgesetzt." and public["state"] == "accepted"


async def test_threaded_comments(client, make_process, participant, h):
    process = await make_process()
    me = await participant()
    a = await h.contribute(client, process["id"], me)
    b = await h.contribute(client, process["id"], me)
    root = await client.post(
        f"/api/v1/contributions/{a['id']}/comments", json={"body": "Gute Idee"}, headers=me
    )
    assert root.status_code == 201
    reply = await client.post(
        f"/api/v1/contributions/{a['id']}/comments",
        json={"body": "Finde ich auch", "parent_id": root.json()["id"]},
        headers=await participant(),
    )
    assert reply.status_code == 201 and reply.json()["parent_id"] == root.json()["id"]
    elsewhere = await client.post(
        f"/api/v1/contributions/{b['id']}/comments",
        json={"body": "x", "parent_id": root.json()["id"]},
        headers=me,
    )
    assert h.is_problem(elsewhere, 422)
    html = await client.post(
        f"/api/v1/contributions/{a['id']}/comments",
        json={"body": "<img src=x onerror=alert(1)>"},
        headers=me,
    )
    assert h.is_problem(html, 422)
    listed = (await client.get(f"/api/v1/contributions/{a['id']}/comments")).json()["items"]
    assert [c["body"] for c in listed] == ["Gute Idee", "Finde ich auch"]
    assert (await client.get(f"/api/v1/contributions/{a['id']}")).json()["comments"] == 2


async def test_comments_need_a_phase_with_comments(client, make_process, participant, h):
    process = await make_process(phases=[h.phase(comments_enabled=False)])
    me = await participant()
    c = await h.contribute(client, process["id"], me)
    assert h.is_problem(
        await client.post(
            f"/api/v1/contributions/{c['id']}/comments", json={"body": "x"}, headers=me
        ),
        409,
    )


async def test_comments_of_hidden_processes_are_not_readable(client, make_process, participant, h):
    process = await make_process(visibility="invite_only")
    member_view = await client.get(f"/api/v1/processes/{process['id']}/contributions")
    assert h.is_problem(member_view, 404)
