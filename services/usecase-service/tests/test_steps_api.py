"""The six steps over HTTP: documents, computed figures, data needs, BPMN."""

from __future__ import annotations

import uuid

import pytest

from usecase_service import demo

URL = "/api/v1/use-cases"


async def test_steps_compute_comparison_and_assessment(client, editor, admin, create_use_case):
    created = await create_use_case(steps=True)
    detail = (await client.get(f"{URL}/{created['id']}", headers=editor)).json()
    assert all(not items for items in detail["missing"].values())
    comparison = detail["comparison"]
    # parking: 27 → 5 minutes per case, 18,000 cases, default wage rate 55 EUR/h
    assert comparison["effort_minutes_before"] == 27
    assert comparison["effort_minutes_after"] == 5
    assert comparison["hours_saved_per_year"] == pytest.approx(22 / 60 * 18000)
    assert comparison["wage_rate_eur_per_hour"] == 55.0
    assert comparison["euros_saved_per_year"] == pytest.approx(22 / 60 * 18000 * 55)
    result = detail["assessment_result"]
    assert result["discount_rate"] == 0.009  # the municipality's default, recorded
    assert "0.9 %" in result["discount_rate_source"]
    assert result["npv_total"] > 0 and result["recommended"] is True
    assert detail["npv_total"] == result["npv_total"]
    assert detail["benefit_cost_ratio"] == result["benefit_cost_ratio"]


async def test_settings_feed_new_assessments(client, editor, admin, identity, create_use_case):
    settings_url = "/api/v1/usecase-settings/musterstadt"
    got = await client.get(settings_url)
    assert got.status_code == 200
    version = got.json()["version"]
    body = {
        "wage_rate_eur_per_hour": 60.0,
        "discount_rate": 0.02,
        "discount_rate_source": "Kämmerei 2026",
        "recommendation_threshold": 9.5,
        "portfolio_weights": {"economic": 25, "qualitative": 25, "support": 25, "urgency": 25},
    }
    assert (await client.put(settings_url, json=body, headers=editor)).status_code == 403
    stale = await client.put(
        settings_url, json=body, headers={**admin, "If-Match": '"musterstadt.99"'}
    )
    assert stale.status_code == 412
    bad = await client.put(
        settings_url,
        json={
            **body,
            "portfolio_weights": {"economic": 50, "qualitative": 25, "support": 25, "urgency": 25},
        },
        headers=admin,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "body.portfolio_weights"
    saved = await client.put(
        settings_url, json=body, headers={**admin, "If-Match": got.headers["etag"]}
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == version + 1 and saved.json()["is_default"] is False
    try:
        created = await create_use_case(steps=True)
        detail = (await client.get(f"{URL}/{created['id']}", headers=editor)).json()
        assert detail["comparison"]["wage_rate_eur_per_hour"] == 60.0
        result = detail["assessment_result"]
        assert (result["discount_rate"], result["discount_rate_source"]) == (0.02, "Kämmerei 2026")
        assert result["recommendation_threshold"] == 9.5
    finally:
        defaults = {
            "wage_rate_eur_per_hour": 55.0,
            "discount_rate": 0.009,
            "recommendation_threshold": 6.0,
        }
        reset = await client.put(settings_url, json=defaults, headers=admin)
        assert reset.status_code == 200
    assert (await client.get("/api/v1/usecase-settings/nowhere")).status_code == 422


async def test_own_discount_rate_is_used_and_recorded(client, editor, create_use_case):
    created = await create_use_case()
    body = {
        **demo.PARKING["assessment"],
        "discount_rate": 0.033,
        "discount_rate_source": "BMF 2011",
    }
    r = await client.put(f"{URL}/{created['id']}/assessment", json=body, headers=editor)
    assert r.status_code == 200, r.text
    result = r.json()["assessment_result"]
    assert (result["discount_rate"], result["discount_rate_source"]) == (0.033, "BMF 2011")


@pytest.mark.parametrize(
    ("step", "body", "field"),
    [
        (
            "assessment",
            {
                "base_year": 2026,
                "horizon_years": 2,
                "line_items": [{"year": 2026, "kind": "operating_cost", "amount": -5}],
            },
            "body.line_items.0.amount",
        ),
        (
            "assessment",
            {
                "base_year": 2026,
                "horizon_years": 2,
                "line_items": [{"year": 2030, "kind": "operating_cost", "amount": 5}],
            },
            "body.line_items.0.year",
        ),
        (
            "assessment",
            {
                "base_year": 2026,
                "horizon_years": 2,
                "criteria": [{"category": "Q", "name": "a", "weight": 60, "points": 5}],
            },
            "body.criteria",
        ),
        (
            "assessment",
            {
                "base_year": 2026,
                "horizon_years": 2,
                "line_items": [{"year": 2026, "kind": "gift", "amount": 5}],
            },
            "body.line_items.0.kind",
        ),
        ("assessment", {"base_year": 2026, "horizon_years": 31}, "body.horizon_years"),
        (
            "assessment",
            {
                "base_year": 2026,
                "horizon_years": 2,
                "criteria": [{"category": "Z", "name": "a", "weight": 100, "points": 5}],
            },
            "body.criteria.0.category",
        ),
        (
            "assessment",
            {
                "base_year": 2026,
                "horizon_years": 2,
                "criteria": [{"category": "Q", "name": "a", "weight": 100, "points": 11}],
            },
            "body.criteria.0.points",
        ),
        ("problem", {"statement": "x" * 4001}, "body.statement"),
        ("problem", {"affected_groups": ["aliens"]}, "body.affected_groups.0"),
        (
            "problem",
            {"as_is": {**demo.PARKING["problem"]["as_is"], "cost_per_case": -1}},
            "body.as_is.cost_per_case",
        ),
        (
            "process",
            {"as_is": [{**demo.PARKING["process"]["as_is"][0], "channel": "fax"}]},
            "body.as_is.0.channel",
        ),
        (
            "process",
            {"as_is": [{**demo.PARKING["process"]["as_is"][0], "processing_minutes": -1}]},
            "body.as_is.0.processing_minutes",
        ),
        (
            "benefits",
            {
                "items": [
                    {"group": "citizens", "description": "d", "kpi": "k", "yearly_value_eur": -3}
                ]
            },
            "body.items.0.yearly_value_eur",
        ),
        (
            "services",
            {"items": [{**demo.PARKING["services"]["items"][0], "estimated_cost_eur": -1}]},
            "body.items.0.estimated_cost_eur",
        ),
        (
            "services",
            {"items": [{**demo.PARKING["services"]["items"][0], "provider_kind": "friend"}]},
            "body.items.0.provider_kind",
        ),
        ("requirements", {"actors": [{"name": "", "role": "r"}]}, "body.actors.0.name"),
    ],
)
async def test_bad_step_is_422_with_the_field_and_changes_nothing(
    client, editor, create_use_case, step, body, field
):
    created = await create_use_case()
    url = f"{URL}/{created['id']}"
    response = await client.put(f"{url}/{step}", json=body, headers=editor)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]
    after = (await client.get(url, headers=editor)).json()
    assert after["version"] == created["version"]
    assert after[step] is None


async def test_steps_need_an_editor_and_the_current_version(
    client, identity, editor, create_use_case
):
    created = await create_use_case(visibility="internal")
    url = f"{URL}/{created['id']}/problem"
    body = demo.PARKING["problem"]
    assert (await client.put(url, json=body)).status_code == 404  # hidden from anonymous
    assert (
        await client.put(url, json=body, headers=identity("editor", "beispielhausen"))
    ).status_code == 404
    assert (
        await client.put(url, json=body, headers=identity("viewer", "musterstadt"))
    ).status_code == 403
    stale = await client.put(url, json=body, headers={**editor, "If-Match": f'"{created["id"]}.0"'})
    assert stale.status_code == 412
    ok = await client.put(url, json=body, headers={**editor, "If-Match": f'"{created["id"]}.1"'})
    assert ok.status_code == 200 and ok.json()["version"] == 2


async def test_data_requirements(client, editor, create_use_case, outbox_subjects):
    created = await create_use_case()
    url = f"{URL}/{created['id']}/data-requirements"
    added = await client.post(url, json={"title": "Belegung", "open": True}, headers=editor)
    assert added.status_code == 201, added.text
    requirement = added.json()["data_requirements"][0]
    assert requirement["dataset_id"] is None
    unknown = await client.post(
        url, json={"title": "x", "dataset_id": str(uuid.uuid4())}, headers=editor
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "body.dataset_id"
    missing = await client.delete(f"{url}/{uuid.uuid4()}", headers=editor)
    assert missing.status_code == 404
    removed = await client.delete(f"{url}/{requirement['id']}", headers=editor)
    assert removed.status_code == 200
    assert removed.json()["data_requirements"] == []
    subjects = await outbox_subjects()
    assert subjects[-4:] == [
        "usecase.data_requirement.added",
        "usecase.usecase.updated",
        "usecase.data_requirement.removed",
        "usecase.usecase.updated",
    ]


async def test_bpmn_export_and_import(client, editor, identity, create_use_case):
    created = await create_use_case(steps=True, visibility="internal")
    url = f"{URL}/{created['id']}/process"
    exported = await client.get(f"{url}/as_is/bpmn", headers=editor)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/xml")
    assert (
        await client.get(f"{url}/as_is/bpmn", headers=identity("participant", sub="x"))
    ).status_code == 404
    # importing the as-is document as the target makes both equal: nothing saved
    imported = await client.put(
        f"{url}/target/bpmn",
        content=exported.content,
        headers={**editor, "Content-Type": "application/xml"},
    )
    assert imported.status_code == 200, imported.text
    body = imported.json()
    assert body["process"]["target"] == body["process"]["as_is"]
    assert body["comparison"]["hours_saved_per_year"] == 0
    bomb = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaa">]><d>&a;</d>'
    refused = await client.put(f"{url}/target/bpmn", content=bomb, headers=editor)
    assert refused.status_code == 422
    assert (
        await client.put(f"{url}/sideways/bpmn", content=exported.content, headers=editor)
    ).status_code == 422
