"""Harvesting from a local fake CKAN site and a DCAT catalogue over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fake_ckan import BASE_TIME, FakeCkan, make_package, serve
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from catalog_service.demo import seed

pytestmark = pytest.mark.db


@pytest.fixture
async def fake():
    packages = [make_package(i) for i in range(25)]
    broken = make_package(99)
    broken["extras"].append({"key": "temporal_start", "value": "im Frühjahr"})
    broken["extras"] = [e for e in broken["extras"] if e["value"] != "2020-01-01"]
    packages.insert(7, broken)
    packages.insert(3, "kein Paket")  # type: ignore[arg-type]
    async with serve(FakeCkan(packages)) as running:
        yield running


async def add_source(client, identity, url, kind="ckan"):
    admin = identity("admin", "musterstadt")
    answer = await client.post(
        "/api/v1/harvest-sources",
        json={"organization": "stadt-musterstadt", "title": "Landkreis", "url": url, "kind": kind},
        headers=admin,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["id"], admin


async def test_ckan_harvest_report_incremental_and_read_only(client, identity, fake):
    await seed(client, identity)
    source, admin = await add_source(client, identity, fake.url)
    run = (await client.post(f"/api/v1/harvest-sources/{source}/runs", headers=admin)).json()
    assert run["status"] == "finished", run
    assert (run["created"], run["updated"], run["unchanged"], run["withdrawn"]) == (25, 0, 0, 0), (
        run["errors"][:3]
    )
    assert len(run["errors"]) == 2
    assert any("temporal" in e["message"] for e in run["errors"])

    harvested = (await client.get("/api/v1/datasets/kreis-datensatz-4")).json()
    assert harvested["status"] == "published"
    assert harvested["origin"]["url"] == f"{fake.url}/dataset/kreis-datensatz-4"
    assert harvested["themes"][0]["code"] == "EDUC"
    assert harvested["license"]["id"] == "dl-by-de/2.0"
    assert {d["format"] for d in harvested["distributions"]} == {"CSV", "JSON"}
    found = (
        await client.get("/api/v1/datasets", params={"organization": "stadt-musterstadt"})
    ).json()
    assert found["count"] == 12 + 25
    editor = identity("editor", "musterstadt")
    locked = await client.patch(
        "/api/v1/datasets/kreis-datensatz-4", json={"title": "Geändert"}, headers=editor
    )
    assert locked.status_code == 409 and "read-only" in locked.json()["detail"]

    # incremental: one package changes, one disappears at the source
    fake.packages[5] = {**make_package(4, BASE_TIME + timedelta(days=30)), "title": "Neuer Titel"}
    fake.packages = [
        p for p in fake.packages if not (isinstance(p, dict) and p["name"] == "kreis-datensatz-10")
    ]
    second = (await client.post(f"/api/v1/harvest-sources/{source}/runs", headers=admin)).json()
    assert second["status"] == "finished", second
    assert second["updated"] == 1 and second["created"] == 0 and second["withdrawn"] == 1
    assert "metadata_modified:[" in fake.requests[-1]["fq"]
    assert (await client.get("/api/v1/datasets/kreis-datensatz-4")).json()["title"] == "Neuer Titel"
    assert (await client.get("/api/v1/datasets/kreis-datensatz-10")).status_code == 404
    runs = (await client.get(f"/api/v1/harvest-sources/{source}/runs", headers=admin)).json()
    assert [r["id"] for r in runs["items"]] == [second["id"], run["id"]]


@pytest.mark.parametrize("mode", ["garbage", "error", "slow"])
async def test_failing_source_gives_failed_run_and_changes_nothing(
    client, identity, fake, settings, mode
):
    await seed(client, identity)
    fake.mode = mode
    source, admin = await add_source(client, identity, fake.url)
    before = (await client.get("/api/v1/datasets", params={"limit": 1})).json()["count"]
    settings.harvest_timeout_seconds = 0.5
    run = (
        await client.post(
            f"/api/v1/harvest-sources/{source}/runs", json={"full": True}, headers=admin
        )
    ).json()
    assert run["status"] == "failed" and run["message"]
    after = (await client.get("/api/v1/datasets", params={"limit": 1})).json()["count"]
    assert after == before


async def test_dcat_harvest(client, identity, fake):
    await seed(client, identity)
    g = Graph()
    for i in range(3):
        node = URIRef(f"https://geo.kreis.example/dataset/{i}")
        dist = URIRef(f"https://geo.kreis.example/dataset/{i}/csv")
        g.add((node, RDF.type, DCAT.Dataset))
        g.add((node, DCTERMS.title, Literal(f"Bebauungspläne {i}", lang="de")))
        g.add((node, DCTERMS.description, Literal("Rechtskräftige Bebauungspläne.", lang="de")))
        g.add(
            (
                node,
                DCAT.theme,
                URIRef("http://publications.europa.eu/resource/authority/data-theme/REGI"),
            )
        )
        g.add((node, DCTERMS.modified, Literal("2025-02-01T00:00:00Z")))
        g.add((node, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.accessURL, URIRef(f"https://geo.kreis.example/{i}.csv")))
        g.add(
            (
                dist,
                DCTERMS.format,
                URIRef("http://publications.europa.eu/resource/authority/file-type/CSV"),
            )
        )
        g.add((dist, DCTERMS.license, URIRef("http://dcat-ap.de/def/licenses/dl-zero-de/2.0")))
    fake.turtle = g.serialize(format="turtle")
    source, admin = await add_source(client, identity, f"{fake.url}/catalog.ttl", kind="dcat")
    run = (await client.post(f"/api/v1/harvest-sources/{source}/runs", headers=admin)).json()
    assert (run["status"], run["created"], run["errors"]) == ("finished", 3, [])
    found = (await client.get("/api/v1/datasets", params={"q": "Bebauungspläne"})).json()
    assert found["count"] == 3
    assert found["items"][0]["license"]["id"] == "dl-zero-de/2.0"
    again = (
        await client.post(
            f"/api/v1/harvest-sources/{source}/runs", json={"full": True}, headers=admin
        )
    ).json()
    assert (again["created"], again["unchanged"]) == (0, 3)
    fake.mode = "garbage"
    broken = (
        await client.post(
            f"/api/v1/harvest-sources/{source}/runs", json={"full": True}, headers=admin
        )
    ).json()
    assert broken["status"] == "failed" and "RDF" in broken["message"]
