"""The search cache: exact answers across changes, replicas and callers."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from catalog_service.demo import seed
from catalog_service.main import create_app
from catalog_service.search.cache import GENERATION, SEARCHES
from servicekit.db import Database
from servicekit.testing.apps import service_client

pytestmark = pytest.mark.db

QUERIES = [
    {"q": "Parken"},
    {"q": "Bäume", "limit": 2},
    {"theme": "TRAN", "sort": "-modified"},
    {"q": "Daten", "facet_limit": 3},
    {},
]


async def _generation(url: str) -> int:
    db = Database(url)
    try:
        async with db.sessions() as session:
            return int(await session.scalar(GENERATION) or 0)
    finally:
        await db.dispose()


def _hits() -> float:
    return SEARCHES.labels("hit")._value.get()


async def test_cached_answers_equal_uncached_ones_and_reads_change_nothing(
    client, identity, settings, migrated_url
):
    await seed(client, identity)
    before = await _generation(migrated_url)
    uncached = settings.model_copy(update={"search_cache_mib": 0})
    async with service_client(create_app(uncached)) as plain:
        for params in QUERIES * 2:
            hits = _hits()
            cached = await client.get("/api/v1/datasets", params=params)
            direct = await plain.get("/api/v1/datasets", params=params)
            assert cached.status_code == direct.status_code == 200
            assert cached.json() == direct.json(), params
        assert _hits() > hits  # the second round came from the cache
        ckan = {"q": "Parken", "facet.field": '["groups","res_format","tags"]', "rows": 3}
        for _ in range(2):
            a = (await client.get("/api/3/action/package_search", params=ckan)).json()
            b = (await plain.get("/api/3/action/package_search", params=ckan)).json()
            assert a["result"] == b["result"]
    assert await _generation(migrated_url) == before  # searching writes nothing


async def test_a_change_through_another_replica_or_sql_is_seen_at_once(
    client, identity, settings, migrated_url
):
    await seed(client, identity)
    editor = identity("editor", "musterstadt")
    params = {"q": "Baumkataster"}
    first = (await client.get("/api/v1/datasets", params=params)).json()
    assert first["count"] == 1
    generation = await _generation(migrated_url)
    async with service_client(create_app(settings)) as replica:
        withdrawn = await replica.post(
            f"/api/v1/datasets/{first['items'][0]['id']}/withdraw", headers=editor
        )
        assert withdrawn.status_code == 200, withdrawn.text
    if settings.database_url.startswith("postgresql"):
        assert await _generation(migrated_url) == generation + 1  # once per transaction
    else:
        assert await _generation(migrated_url) > generation
    assert (await client.get("/api/v1/datasets", params=params)).json()["count"] == 0
    internal = {**params, "include_internal": "true"}
    mine = (await client.get("/api/v1/datasets", params=internal, headers=editor)).json()
    assert mine["count"] == 1  # the editor's view is cached apart from the public one
    assert (await client.get("/api/v1/datasets", params=internal)).json()["count"] == 0

    trees = (await client.get("/api/v1/datasets", params={"sort": "title", "limit": 1})).json()
    db = Database(migrated_url)
    try:
        async with db.transaction() as session:
            await session.execute(
                text("UPDATE datasets SET title = 'AAA ' || title WHERE name = :n"),
                {"n": "parkhausbelegung"},
            )
    finally:
        await db.dispose()
    retitled = (await client.get("/api/v1/datasets", params={"sort": "title", "limit": 1})).json()
    assert retitled["items"][0]["name"] == "parkhausbelegung" != trees["items"][0]["name"]


async def test_an_organisation_or_distribution_change_shows_in_cached_answers(client, identity):
    await seed(client, identity)
    admin, editor = identity("admin", "musterstadt"), identity("editor", "musterstadt")
    params = {"q": "Baumkataster", "rows": 1}
    package = (await client.get("/api/3/action/package_search", params=params)).json()
    first = package["result"]["results"][0]
    renamed = await client.patch(
        "/api/v1/organizations/stadt-musterstadt", json={"title": "Stadt Musterstadt (neu)"},
        headers=admin,
    )  # fmt: skip
    assert renamed.status_code == 200, renamed.text
    package = (await client.get("/api/3/action/package_search", params=params)).json()
    assert package["result"]["results"][0]["organization"]["title"] == "Stadt Musterstadt (neu)"

    added = await client.post(
        f"/api/v1/datasets/{first['id']}/distributions",
        json={"title": "Bäume (GeoJSON)", "download_url": "https://x.example/b.geojson"},
        headers=editor,
    )
    assert added.status_code == 201, added.text
    package = (await client.get("/api/3/action/package_search", params=params)).json()
    resources = package["result"]["results"][0]["resources"]
    assert len(resources) == len(first["resources"]) + 1
