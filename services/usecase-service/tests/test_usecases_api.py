"""Use cases over HTTP: CRUD, lists, ETags, idempotency, authorization, bad input."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from servicekit.db import Database
from usecase_service.usecases.models import UseCase

URL = "/api/v1/use-cases"


async def count_use_cases(url: str) -> int:
    db = Database(url)
    try:
        async with db.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(UseCase)) or 0)
    finally:
        await db.dispose()


async def test_create_read_patch(client, editor, create_use_case, outbox_subjects):
    created = await create_use_case(visibility="internal")
    assert created["status"] == "draft"
    assert created["version"] == 1
    assert created["missing"]["problem_defined"]
    got = await client.get(f"{URL}/{created['id']}", headers=editor)
    assert got.status_code == 200
    assert got.headers["etag"] == f'"{created["id"]}.1"'
    patched = await client.patch(
        f"{URL}/{created['id']}",
        json={"visibility": "public", "progress": 30, "tags": ["a", "a", "b"]},
        headers={**editor, "If-Match": got.headers["etag"]},
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert (body["visibility"], body["progress"], body["version"]) == ("public", 30, 2)
    assert body["tags"] == ["a", "b"]
    assert body["title"] == created["title"]
    subjects = await outbox_subjects(created["id"])
    assert subjects == [
        "usecase.usecase.created",
        "usecase.usecase.updated",
        "usecase.usecase.published",
    ]


async def test_public_create_publishes(create_use_case, outbox_subjects):
    created = await create_use_case(visibility="public")
    assert await outbox_subjects(created["id"]) == [
        "usecase.usecase.created",
        "usecase.usecase.published",
    ]


async def test_stale_if_match_is_412_and_changes_nothing(client, editor, create_use_case):
    created = await create_use_case()
    url = f"{URL}/{created['id']}"
    ok = await client.patch(
        url, json={"progress": 5}, headers={**editor, "If-Match": f'"{created["id"]}.1"'}
    )
    assert ok.status_code == 200
    stale = await client.patch(
        url, json={"progress": 99}, headers={**editor, "If-Match": f'"{created["id"]}.1"'}
    )
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    assert (await client.get(url, headers=editor)).json()["progress"] == 5


async def test_idempotency_key_makes_create_safe_to_retry(client, editor, migrated_url):
    body = {"municipality": "musterstadt", "title": "Idempotent", "field_of_action": "energy"}
    headers = {**editor, "Idempotency-Key": str(uuid.uuid4())}
    before = await count_use_cases(migrated_url)
    first = await client.post(URL, json=body, headers=headers)
    second = await client.post(URL, json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert await count_use_cases(migrated_url) == before + 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"field_of_action": "space"}, "body.field_of_action"),
        ({"title": "x" * 201}, "body.title"),
        ({"title": ""}, "body.title"),
        ({"visibility": "secret"}, "body.visibility"),
        ({"priority": "maybe"}, "body.priority"),
        ({"progress": 101}, "body.progress"),
        ({"tags": ["x" * 51]}, "body.tags.0"),
        ({"unknown": 1}, "body.unknown"),
        ({"planned_start": "2027-01-01", "planned_end": "2026-01-01"}, "body.planned_end"),
        ({"municipality": "nowhere"}, "body.municipality"),
    ],
)
async def test_bad_create_is_422_with_the_field(
    client, editor, identity, migrated_url, body, field
):
    before = await count_use_cases(migrated_url)
    municipality = body.get("municipality", "musterstadt")
    headers = identity("editor", municipality)
    full = {"municipality": "musterstadt", "title": "T", "field_of_action": "energy", **body}
    response = await client.post(URL, json=full, headers=headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await count_use_cases(migrated_url) == before


async def test_bad_patch_changes_nothing(client, editor, create_use_case):
    created = await create_use_case()
    url = f"{URL}/{created['id']}"
    for body in (
        {"title": None},
        {"progress": -1},
        {"planned_end": "2000-01-01"},
        {"status": "approved"},
    ):
        response = await client.patch(url, json=body, headers=editor)
        assert response.status_code == 422, (body, response.text)
    after = (await client.get(url, headers=editor)).json()
    assert after["version"] == created["version"]


async def test_authorization(client, identity, editor, create_use_case):
    internal = await create_use_case(visibility="internal", title="Intern")
    public = await create_use_case(visibility="public", title="Öffentlich")
    other_editor = identity("editor", "beispielhausen")
    participant = identity("participant", sub="alice")
    viewer = identity("viewer", "musterstadt")
    for headers in ({}, participant, other_editor):
        assert (await client.get(f"{URL}/{internal['id']}", headers=headers)).status_code == 404
        assert (await client.get(f"{URL}/{public['id']}", headers=headers)).status_code == 200
    assert (await client.get(f"{URL}/{internal['id']}", headers=viewer)).status_code == 200
    # others cannot change: hidden ones are 404, visible ones 403, anonymous 401
    hidden = await client.patch(
        f"{URL}/{internal['id']}", json={"progress": 1}, headers=other_editor
    )
    assert hidden.status_code == 404
    visible = await client.patch(
        f"{URL}/{public['id']}", json={"progress": 1}, headers=other_editor
    )
    assert visible.status_code == 403
    assert (
        await client.patch(f"{URL}/{public['id']}", json={"progress": 1}, headers=viewer)
    ).status_code == 403
    assert (await client.patch(f"{URL}/{public['id']}", json={"progress": 1})).status_code == 401
    create_elsewhere = await client.post(
        URL,
        json={"municipality": "beispielhausen", "title": "x", "field_of_action": "energy"},
        headers=editor,
    )
    assert create_elsewhere.status_code == 403
    assert (await client.get(f"{URL}/{uuid.uuid4()}", headers=editor)).status_code == 404


async def test_list_filters_and_pages(client, identity, editor, create_use_case):
    tag = uuid.uuid4().hex[:8]
    made = [
        await create_use_case(
            title=f"Liste {tag} {i}",
            tags=[tag, f"n{i}"],
            field_of_action="energy" if i % 2 else "health",
            visibility="public" if i < 3 else "internal",
        )
        for i in range(5)
    ]
    listed = await client.get(URL, params={"tag": tag, "limit": 2}, headers=editor)
    page1 = listed.json()
    assert listed.status_code == 200, listed.text
    assert len(page1["items"]) == 2 and page1["next_cursor"]
    pages = [page1]
    for _ in range(2):
        params = {"tag": tag, "limit": 2, "cursor": pages[-1]["next_cursor"]}
        response = await client.get(URL, params=params, headers=editor)
        assert response.status_code == 200, response.text
        pages.append(response.json())
    page2, page3 = pages[1:]
    ids = [i["id"] for p in (page1, page2, page3) for i in p["items"]]
    assert ids == [m["id"] for m in reversed(made)]
    assert page3["next_cursor"] is None

    async def titles(headers, **params):
        r = await client.get(URL, params={"tag": tag, **params}, headers=headers)
        assert r.status_code == 200, r.text
        return sorted(i["title"].rsplit(" ", 1)[1] for i in r.json()["items"])

    assert await titles(editor, field_of_action="energy") == ["1", "3"]
    assert await titles(editor, q=f"LISTE {tag} 4") == ["4"]
    assert await titles(editor, tag="N2") == ["2"]
    assert await titles(editor, visibility="internal") == ["3", "4"]
    assert await titles(editor, status="draft", municipality="musterstadt") == [
        "0",
        "1",
        "2",
        "3",
        "4",
    ]
    assert await titles(editor, status="approved") == []
    # others see only the public ones
    assert await titles(identity("participant", sub="bob")) == ["0", "1", "2"]
    assert await titles({}) == ["0", "1", "2"]
    assert await titles(identity("editor", "beispielhausen")) == ["0", "1", "2"]
    assert await titles(identity("platform_admin")) == ["0", "1", "2", "3", "4"]
    bad = await client.get(URL, params={"status": "flying"})
    assert bad.status_code == 422
    assert (await client.get(URL, params={"cursor": "garbage!"})).status_code == 400
    assert (await client.get(URL, params={"q": "%"})).status_code == 200


async def test_archive(client, editor, create_use_case, outbox_subjects):
    created = await create_use_case(steps=True)
    url = f"{URL}/{created['id']}"
    stale = await client.delete(url, headers={**editor, "If-Match": '"nope"'})
    assert stale.status_code == 412
    assert (await client.delete(url, headers=editor)).status_code == 204
    assert (await client.get(url, headers=editor)).status_code == 404
    assert (await client.get(f"{url}/history", headers=editor)).status_code == 404
    listed = await client.get(URL, params={"q": created["title"]}, headers=editor)
    assert created["id"] not in [i["id"] for i in listed.json()["items"]]
    subjects = await outbox_subjects()
    assert "usecase.usecase.archived" in subjects
    assert subjects[-2:] == ["usecase.data_requirement.removed", "usecase.usecase.archived"]
