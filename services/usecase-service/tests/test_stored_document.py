"""GET /use-cases/{id} answers the representation stored on the row (`service.render`).
After every kind of write it must show the change, and equal what the rows give when
rendered afresh, so no write path can leave a stale document behind."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from servicekit.db import Database
from servicekit.identity import Principal, PrincipalKind
from usecase_service import demo
from usecase_service.usecases import service

URL = "/api/v1/use-cases"
PLATFORM_ADMIN = Principal(kind=PrincipalKind.USER, subject="t", platform_admin=True)


async def shows(
    client: httpx.AsyncClient, db: Database, headers: dict[str, str], written: httpx.Response
) -> dict[str, Any]:
    """GET gives exactly the write's answer (body and ETag), and that is the fresh render."""
    assert written.status_code in (200, 201), written.text
    body = written.json()
    read = await client.get(f"{URL}/{body['id']}", headers=headers)
    assert read.status_code == 200, read.text
    assert read.headers["content-type"] == "application/json"
    assert read.headers["etag"] == written.headers["etag"] == f'"{body["id"]}.{body["version"]}"'
    assert read.json() == body
    fresh = await service.get(db, PLATFORM_ADMIN, uuid.UUID(body["id"]))
    assert fresh.model_dump(mode="json") == body
    return body


async def test_get_shows_every_kind_of_write(
    client: httpx.AsyncClient, editor, admin, identity, migrated_url: str
) -> None:
    db = Database(migrated_url)
    try:
        created = await client.post(URL, json=demo.PARKING["create"], headers=editor)
        body = await shows(client, db, editor, created)
        url = f"{URL}/{body['id']}"

        patched = await client.patch(url, json={"title": "Renamed", "tags": ["a"]}, headers=editor)
        body = await shows(client, db, editor, patched)
        assert (body["title"], body["tags"]) == ("Renamed", ["a"])

        for name in demo.STEPS:
            stepped = await client.put(f"{url}/{name}", json=demo.PARKING[name], headers=editor)
            body = await shows(client, db, editor, stepped)
            assert body[name] is not None
        assert body["assessment_result"] is not None and body["comparison"] is not None

        need = {k: v for k, v in demo.PARKING["data"][1].items() if k != "find"}
        added = await client.post(f"{url}/data-requirements", json=need, headers=editor)
        body = await shows(client, db, editor, added)
        (requirement,) = body["data_requirements"]

        removed = await client.delete(
            f"{url}/data-requirements/{requirement['id']}", headers=editor
        )
        body = await shows(client, db, editor, removed)
        assert body["data_requirements"] == []

        exported = await client.get(f"{url}/process/as_is/bpmn", headers=editor)
        imported = await client.put(
            f"{url}/process/target/bpmn",
            content=exported.content,
            headers={**editor, "Content-Type": "application/xml"},
        )
        body = await shows(client, db, editor, imported)
        assert body["process"]["target"] == body["process"]["as_is"]

        moved = await client.post(
            f"{url}/transitions", json={"to": "problem_defined", "reason": "ok"}, headers=editor
        )
        body = await shows(client, db, editor, moved)
        assert body["status"] == "problem_defined"

        published = await client.patch(url, json={"visibility": "public"}, headers=editor)
        body = await shows(client, db, editor, published)
        other = identity("admin", "beispielhausen")
        assert (await client.get(url, headers=other)).json() == body

        adopted = await client.post(
            f"{url}/adopt", json={"municipality": "beispielhausen"}, headers=other
        )
        copy = await shows(client, db, other, adopted)
        assert copy["adopted_from"]["id"] == body["id"]

        etag = f'"{body["id"]}.{body["version"]}"'
        archived = await client.delete(url, headers={**editor, "If-Match": etag})
        assert archived.status_code == 204
        gone = await client.get(url, headers=editor)
        assert gone.status_code == 404
        assert gone.headers["content-type"] == "application/problem+json"
    finally:
        await db.dispose()


async def test_internal_ones_stay_invisible_to_other_municipalities(
    client: httpx.AsyncClient, editor, identity, create_use_case
) -> None:
    created = await create_use_case(visibility="internal")
    url = f"{URL}/{created['id']}"
    for headers in (identity("admin", "beispielhausen"), identity(), {}):
        hidden = await client.get(url, headers=headers)
        assert hidden.status_code == 404
        assert hidden.json()["detail"] == f"Use case {created['id']} does not exist."
    assert (await client.get(url, headers=identity("viewer", "musterstadt"))).status_code == 200
    assert (await client.get(url, headers=identity("platform_admin"))).status_code == 200
