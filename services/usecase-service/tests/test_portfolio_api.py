"""Portfolio over HTTP: ranking with components, roadmap, totals, CSV."""

from __future__ import annotations

import csv
import io

import pytest

from usecase_service import demo

URL = "/api/v1/portfolio"


@pytest.fixture(scope="module")
async def portfolio(client, identity):
    """Three musterstadt use cases with different figures (one internal), fresh database."""
    editor = identity("editor", "musterstadt")
    made = {}
    for spec in demo.USE_CASES:
        body = {**spec["create"], "visibility": "internal" if spec is demo.WASTE else "public"}
        r = await client.post("/api/v1/use-cases", json=body, headers=editor)
        assert r.status_code == 201, r.text
        use_case_id = r.json()["id"]
        for name in ("problem", "process", "services", "assessment"):
            r = await client.put(
                f"/api/v1/use-cases/{use_case_id}/{name}", json=spec[name], headers=editor
            )
            assert r.status_code == 200, r.text
        made[spec["create"]["title"]] = r.json()
    return made


async def test_ranking_shows_every_component(client, editor, portfolio):
    response = await client.get(URL, params={"municipality": "musterstadt"}, headers=editor)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["weights"] == {"economic": 40, "qualitative": 30, "support": 20, "urgency": 10}
    assert "normalised" in body["method"]
    items = body["items"]
    assert [i["rank"] for i in items] == [1, 2, 3]
    assert items == sorted(items, key=lambda i: -i["score"])
    for item in items:
        assert set(item["components"]) == {"economic", "qualitative", "support", "urgency"}
        total = sum(c["contribution"] for c in item["components"].values())
        assert item["score"] == pytest.approx(total, abs=0.02)
        source = portfolio[item["title"]]
        assert item["npv_total"] == source["assessment_result"]["npv_total"]
        assert (
            item["components"]["qualitative"]["value"]
            == source["assessment_result"]["strategic_score"]
        )
    # registration has the best NPV and qualitative score
    assert items[0]["title"] == demo.REGISTRATION["create"]["title"]
    totals = body["totals"]
    assert totals["use_cases"] == 3
    assert totals["investment"] == pytest.approx(
        sum(s["assessment_result"]["investment"] for s in portfolio.values()), abs=0.05
    )
    assert totals["by_status"]["draft"]["use_cases"] == 3


async def test_outsiders_see_the_public_part(client, identity, portfolio):
    response = await client.get(URL, params={"municipality": "musterstadt"})
    assert response.status_code == 200
    titles = {i["title"] for i in response.json()["items"]}
    assert demo.WASTE["create"]["title"] not in titles
    assert len(titles) == 2


async def test_weights_come_from_settings(client, admin, editor, portfolio):
    settings = "/api/v1/usecase-settings/musterstadt"
    weights = {"economic": 0, "qualitative": 0, "support": 0, "urgency": 100}
    r = await client.put(settings, json={"portfolio_weights": weights}, headers=admin)
    assert r.status_code == 200, r.text
    body = (await client.get(URL, params={"municipality": "musterstadt"}, headers=editor)).json()
    assert body["weights"] == weights
    for item in body["items"]:
        assert item["score"] == item["components"]["urgency"]["contribution"]
    assert body["items"][0]["title"] == demo.REGISTRATION["create"]["title"]  # D = 9


async def test_roadmap(client, editor, portfolio):
    response = await client.get(
        f"{URL}/roadmap", params={"municipality": "musterstadt"}, headers=editor
    )
    assert response.status_code == 200
    lanes = response.json()["lanes"]
    assert lanes[0]["status"] == "draft"
    starts = [i["planned_start"] for i in lanes[0]["items"]]
    assert starts == sorted(starts)
    assert len(starts) == 3


async def test_csv_export_neutralises_formulas(client, editor, portfolio):
    r = await client.post(
        "/api/v1/use-cases",
        json={
            "municipality": "musterstadt",
            "title": '=HYPERLINK("x")',
            "field_of_action": "energy",
        },
        headers=editor,
    )
    assert r.status_code == 201
    response = await client.get(
        f"{URL}/export", params={"municipality": "musterstadt"}, headers=editor
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 4
    assert rows[0]["rank"] == "1"
    assert {"economic_contribution", "support_contribution", "score"} <= set(rows[0])
    titles = [row["title"] for row in rows]
    assert '\'=HYPERLINK("x")' in titles


async def test_bad_portfolio_requests(client):
    assert (await client.get(URL)).status_code == 422
    assert (await client.get(URL, params={"municipality": "nowhere"})).status_code == 422
    assert (await client.get(URL, params={"municipality": "<x>"})).status_code == 422
