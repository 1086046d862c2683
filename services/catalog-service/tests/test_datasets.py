"""Datasets: DCAT-AP.de validation, lifecycle, permissions, search and facets, events."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from catalog_service.database import kit
from catalog_service.demo import DATASETS, ORGANIZATION, seed
from servicekit.db import Database

pytestmark = pytest.mark.db


@pytest.fixture
async def catalogue(client, identity):
    await seed(client, identity)
    return client


async def _events(url: str) -> list[tuple[str, dict]]:
    db = Database(url)
    try:
        async with db.sessions() as session:
            rows = await session.execute(
                select(kit.outbox.c.subject, kit.outbox.c.payload).order_by(kit.outbox.c.seq)
            )
            return [(s, json.loads(p)["data"]) for s, p in rows.all()]
    finally:
        await db.dispose()


async def test_demo_catalogue_is_published_and_seed_is_idempotent(
    catalogue, identity, migrated_url
):
    await seed(catalogue, identity)  # second run changes nothing
    page = (await catalogue.get("/api/v1/datasets", params={"limit": 100})).json()
    assert page["count"] == len(DATASETS) == 12
    assert {d["status"] for d in page["items"]} == {"published"}
    published = [d for s, d in await _events(migrated_url) if s == "catalog.dataset.published"]
    assert len(published) == 12
    assert set(published[0]) == {"id", "municipality", "name", "title", "modified", "landing_page"}


async def test_full_text_search_ranks_and_stems_german(catalogue):
    found = (await catalogue.get("/api/v1/datasets", params={"q": "Parkhäuser"})).json()
    assert found["items"][0]["name"] == "parkhausbelegung"
    trees = (await catalogue.get("/api/v1/datasets", params={"q": "Bäume"})).json()
    assert [d["name"] for d in trees["items"]][:1] == ["baumkataster"]
    english = (await catalogue.get("/api/v1/datasets", params={"q": "transport"})).json()
    assert "radzaehlstellen" in {d["name"] for d in english["items"]}  # theme label (en)
    nothing = (await catalogue.get("/api/v1/datasets", params={"q": "Quantenchromodynamik"})).json()
    assert nothing["count"] == 0 and nothing["items"] == []


async def test_facets_and_filters(catalogue):
    page = (await catalogue.get("/api/v1/datasets", params={"limit": 1})).json()
    themes = {f["value"]: f["count"] for f in page["facets"]["theme"]}
    assert themes["TRAN"] == 4 and themes["ENVI"] == 3
    assert set(page["facets"]) == {
        "theme",
        "license",
        "format",
        "organization",
        "keyword",
        "municipality",
    }
    assert page["facets"]["organization"][0] == {
        "value": "stadt-musterstadt",
        "label": "Stadt Musterstadt",
        "count": 12,
    }
    transport_csv = (
        await catalogue.get("/api/v1/datasets", params=[("theme", "tran"), ("format", "CSV")])
    ).json()
    assert {d["name"] for d in transport_csv["items"]} == {
        "parkhausbelegung",
        "radzaehlstellen",
        "ladesaeulen",
    }
    either = (
        await catalogue.get("/api/v1/datasets", params=[("theme", "EDUC"), ("theme", "HEAL")])
    ).json()
    assert either["count"] == 2


async def test_sort_and_cursor_paging(catalogue):
    seen, cursor = [], None
    while True:
        params = {"sort": "title", "limit": 5, **({"cursor": cursor} if cursor else {})}
        page = (await catalogue.get("/api/v1/datasets", params=params)).json()
        seen += [d["title"] for d in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 12 and seen == sorted(seen, key=str.lower)
    bad = await catalogue.get("/api/v1/datasets", params={"cursor": "garbage"})
    assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"license": "http://example.org/my-licence"}, "body.license"),
        ({"themes": ["WEATHER"]}, "body.themes.0"),
        ({"contact": {"name": "Niemand"}}, "body.contact"),
        ({"temporal": {"start": "2024-02-01", "end": "2023-01-01"}}, "body.temporal.end"),
        ({"accrual_periodicity": "sometimes"}, "body.accrual_periodicity"),
        ({"issued": "yesterday"}, "body.issued"),
    ],
)
async def test_invalid_metadata_is_rejected_and_changes_nothing(catalogue, identity, patch, field):
    editor = identity("editor", "musterstadt")
    before = (await catalogue.get("/api/v1/datasets/baumkataster")).json()
    answer = await catalogue.patch("/api/v1/datasets/baumkataster", json=patch, headers=editor)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert field in {e["field"] for e in answer.json()["errors"]}
    after = (await catalogue.get("/api/v1/datasets/baumkataster")).json()
    assert after["version"] == before["version"]


async def test_lifecycle_permissions_and_events(client, identity, migrated_url):
    await seed(client, identity)
    editor = identity("editor", "musterstadt")
    other = identity("editor", "beispieldorf")
    body = {
        "organization": ORGANIZATION["name"],
        "title": "Öffentliche Toiletten",
        "description": "Standorte und Öffnungszeiten öffentlicher Toiletten.",
        "license": "http://dcat-ap.de/def/licenses/cc-by/4.0",
        "themes": ["http://publications.europa.eu/resource/authority/data-theme/SOCI"],
        "contact": {"url": "https://www.musterstadt.de/kontakt"},
    }
    assert (await client.post("/api/v1/datasets", json=body)).status_code == 401
    assert (await client.post("/api/v1/datasets", json=body, headers=other)).status_code == 403
    created = await client.post("/api/v1/datasets", json=body, headers=editor)
    assert created.status_code == 201, created.text
    ds = created.json()
    assert ds["name"] == "oeffentliche-toiletten" and ds["status"] == "draft"
    assert ds["license"]["id"] == "cc-by/4.0" and ds["themes"][0]["code"] == "SOCI"
    # drafts are invisible to the public and to other municipalities
    assert (await client.get(f"/api/v1/datasets/{ds['id']}")).status_code == 404
    assert (await client.get(f"/api/v1/datasets/{ds['id']}", headers=other)).status_code == 404
    public = (await client.get("/api/v1/datasets", params={"q": "Toiletten"})).json()
    assert public["count"] == 0
    internal = (
        await client.get(
            "/api/v1/datasets",
            params={"q": "Toiletten", "include_internal": "true"},
            headers=editor,
        )
    ).json()
    assert internal["count"] == 1

    etag = created.headers["etag"]
    published = await client.post(
        f"/api/v1/datasets/{ds['id']}/publish", headers={**editor, "If-Match": etag}
    )
    assert published.status_code == 200 and published.json()["status"] == "published"
    stale = await client.patch(
        f"/api/v1/datasets/{ds['id']}", json={"title": "x"}, headers={**editor, "If-Match": etag}
    )
    assert stale.status_code == 412
    renamed = await client.patch(
        f"/api/v1/datasets/{ds['id']}", json={"keywords": ["WC", "Barrierefrei"]}, headers=editor
    )
    assert renamed.status_code == 200
    assert (await client.get("/api/v1/datasets", params={"q": "barrierefrei"})).json()["count"] == 1
    dist = await client.post(
        f"/api/v1/datasets/{ds['id']}/distributions",
        json={"title": "Liste", "download_url": "https://x.example/wc.csv", "format": "text/csv"},
        headers=editor,
    )
    assert dist.status_code == 201 and dist.json()["format"] == "CSV"
    assert dist.json()["license"]["id"] == "cc-by/4.0"  # inherits the dataset's licence
    withdrawn = await client.post(f"/api/v1/datasets/{ds['id']}/withdraw", headers=editor)
    assert withdrawn.json()["status"] == "withdrawn"
    assert (await client.get(f"/api/v1/datasets/{ds['id']}")).status_code == 404
    assert (await client.delete(f"/api/v1/datasets/{ds['id']}", headers=editor)).status_code == 409

    mine = [
        (s, d)
        for s, d in await _events(migrated_url)
        if d.get("id") == ds["id"] or d.get("dataset_id") == ds["id"]
    ]
    assert [s for s, _ in mine] == [
        "catalog.dataset.published",
        "catalog.dataset.updated",
        "catalog.dataset.updated",
        "catalog.distribution.added",
        "catalog.dataset.withdrawn",
    ]
    added = mine[3][1]
    assert added == {
        "id": dist.json()["id"],
        "dataset_id": ds["id"],
        "municipality": "musterstadt",
        "title": "Liste",
        "format": "CSV",
    }


async def test_quality_score_gives_points_and_hints(catalogue, identity):
    good = (await catalogue.get("/api/v1/datasets/parkhausbelegung/quality")).json()
    assert good["max_points"] == 405
    assert [d["name"] for d in good["dimensions"]] == [
        "findability",
        "accessibility",
        "interoperability",
        "reusability",
        "contextuality",
    ]
    assert good["rating"] in ("good", "excellent")
    editor = identity("editor", "musterstadt")
    bare = await catalogue.post(
        "/api/v1/datasets",
        json={"organization": "stadt-musterstadt", "title": "Notizen", "description": "x"},
        headers=editor,
    )
    poor = (
        await catalogue.get(f"/api/v1/datasets/{bare.json()['id']}/quality", headers=editor)
    ).json()
    assert poor["points"] < good["points"] and poor["rating"] == "bad"
    assert "Add a licence." in poor["hints"]
    org = (await catalogue.get("/api/v1/organizations/stadt-musterstadt/quality")).json()
    assert org["datasets"] >= 12 and org["average_points"] > 200
