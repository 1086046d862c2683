"""Sharing (browse, adopt) and exports (JSON, printable HTML)."""

from __future__ import annotations

URL = "/api/v1/use-cases"


async def test_adopt_copies_a_public_use_case_as_a_draft(
    client, identity, editor, create_use_case, outbox_subjects
):
    source = await create_use_case(steps=True, visibility="public")
    other = identity("editor", "beispielhausen")
    adopted = await client.post(
        f"{URL}/{source['id']}/adopt", json={"municipality": "beispielhausen"}, headers=other
    )
    assert adopted.status_code == 201, adopted.text
    copy = adopted.json()
    assert copy["id"] != source["id"]
    assert (copy["municipality"], copy["status"], copy["visibility"]) == (
        "beispielhausen",
        "draft",
        "internal",
    )
    assert copy["adopted_from"]["id"] == source["id"]
    assert copy["adopted_from"]["municipality"] == "musterstadt"
    assert copy["problem"] == source["problem"]
    assert copy["assessment_result"]["npv_total"] == source["assessment_result"]["npv_total"]
    assert len(copy["data_requirements"]) == 1
    assert copy["data_requirements"][0]["id"] != source["data_requirements"][0]["id"]
    history = (await client.get(f"{URL}/{copy['id']}/history", headers=other)).json()["items"]
    assert "adopted from musterstadt" in history[0]["reason"]
    # the copy is beispielhausen's internal record: musterstadt cannot see it
    assert (await client.get(f"{URL}/{copy['id']}", headers=editor)).status_code == 404
    assert await outbox_subjects(copy["id"]) == ["usecase.usecase.created"]


async def test_adopt_refusals(client, identity, editor, create_use_case):
    internal = await create_use_case(visibility="internal")
    public = await create_use_case(visibility="public")
    other = identity("editor", "beispielhausen")
    adopt = f"{URL}/{{}}/adopt"
    assert (
        await client.post(
            adopt.format(internal["id"]), json={"municipality": "beispielhausen"}, headers=other
        )
    ).status_code == 404
    assert (
        await client.post(
            adopt.format(internal["id"]), json={"municipality": "musterstadt"}, headers=editor
        )
    ).status_code == 409
    assert (
        await client.post(
            adopt.format(public["id"]), json={"municipality": "musterstadt"}, headers=other
        )
    ).status_code == 403
    assert (
        await client.post(adopt.format(public["id"]), json={"municipality": "beispielhausen"})
    ).status_code == 401
    assert (
        await client.post(
            adopt.format(public["id"]), json={"municipality": "Bad Slug"}, headers=other
        )
    ).status_code == 422


async def test_json_export(client, editor, create_use_case):
    created = await create_use_case(steps=True)
    exported = await client.get(f"{URL}/{created['id']}/export", headers=editor)
    assert exported.status_code == 200
    body = exported.json()
    assert body["format"] == "smartgov-use-case/1"
    assert body["use_case"]["id"] == created["id"]
    assert (
        body["use_case"]["assessment_result"]["npv_total"]
        == created["assessment_result"]["npv_total"]
    )
    assert body["history"][0]["to_status"] == "draft"


async def test_printable_summary_escapes_everything(client, editor, create_use_case):
    evil = "<script>alert('x')</script>"
    created = await create_use_case(
        steps=True, title=f"Parken {evil}", summary="<img src=x onerror=alert(1)> & co"
    )
    page = await client.get(f"{URL}/{created['id']}/summary", headers=editor)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&amp; co" in html
    assert "Net present value" not in html  # labels are the template's
    assert created["assessment_result"]["recommendation_reason"].split(" (")[0] in html
    assert "Ist" in html and "Soll" in html


async def test_exports_are_hidden_like_the_use_case(client, identity, create_use_case):
    created = await create_use_case(visibility="internal")
    for path in ("export", "summary"):
        response = await client.get(
            f"{URL}/{created['id']}/{path}", headers=identity("participant", sub="p")
        )
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
