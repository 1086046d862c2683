"""Pseudonyms, GDPR export and deletion that keeps results valid, service rate limits."""

from __future__ import annotations

import json

from sqlalchemy import select, text

from participation_service.main import create_app
from participation_service.participants.models import Participant
from participation_service.pseudonyms import pseudonym
from servicekit.testing.apps import service_client

MUN = "musterstadt"


async def test_profile_needs_sign_in_and_stores_no_subject(app, client, identity, h):
    assert h.is_problem(await client.get("/api/v1/participants/me"), 401)
    me = identity("participant", sub="erika@example.org")
    assert h.is_problem(await client.get("/api/v1/participants/me", headers=me), 404)
    r = await client.put(
        "/api/v1/participants/me",
        json={"display_name": "Erika", "stakeholder_group": "citizen"},
        headers=me,
    )
    assert r.status_code == 200 and r.json()["id"] == pseudonym("test-secret", "erika@example.org")
    assert h.is_problem(
        await client.put(
            "/api/v1/participants/me", json={"stakeholder_group": "alien"}, headers=me
        ),
        422,
    )
    assert h.is_problem(
        await client.put(
            "/api/v1/participants/me",
            json={"display_name": "<b>E</b>", "stakeholder_group": "citizen"},
            headers=me,
        ),
        422,
    )
    async with app.state.runtime.db.sessions() as session:
        ids = (await session.scalars(select(Participant.id))).all()
    assert all("erika" not in i for i in ids)


async def test_export_and_deletion_keep_results(
    app, client, identity, make_process, participant, h
):
    process = await make_process()
    pid = process["id"]
    me = identity("participant", sub="leaving@example.org")
    await client.put(
        "/api/v1/participants/me",
        json={"display_name": "Lea", "stakeholder_group": "business"},
        headers=me,
    )
    other = await participant()
    mine = await h.contribute(client, pid, me, title="Meine Idee")
    theirs = await h.contribute(client, pid, other, title="Andere Idee")
    await client.post(f"/api/v1/contributions/{theirs['id']}/support", headers=me)
    await client.post(f"/api/v1/contributions/{mine['id']}/support", headers=other)
    await client.post(
        f"/api/v1/contributions/{theirs['id']}/comments", json={"body": "Kommentar"}, headers=me
    )
    survey = (
        await client.post(
            f"/api/v1/processes/{pid}/surveys",
            json={
                "phase_id": process["phases"][0]["id"],
                "title": "U",
                "questions": [
                    {"kind": "scale", "text": "Wie gut?", "required": True},
                    {"kind": "text", "text": "Warum?"},
                ],
            },
            headers=identity("editor", MUN),
        )
    ).json()
    qs = {q["text"]: q["id"] for q in survey["questions"]}
    await client.post(
        f"/api/v1/surveys/{survey['id']}/responses",
        json={"answers": {qs["Wie gut?"]: 5, qs["Warum?"]: "Ich wohne Hauptstr. 5"}},
        headers=me,
    )
    before = (await client.get(f"/api/v1/processes/{pid}/results")).json()

    export = (await client.get("/api/v1/participants/me/export", headers=me)).json()
    assert export["profile"]["display_name"] == "Lea"
    assert [c["title"] for c in export["contributions"]] == ["Meine Idee"]
    assert [s["contribution_id"] for s in export["supports"]] == [theirs["id"]]
    assert export["comments"][0]["body"] == "Kommentar"
    assert export["survey_responses"][0]["answers"][0]["value"] in (5, "Ich wohne Hauptstr. 5")

    deleted = await client.delete("/api/v1/participants/me", headers=me)
    assert deleted.status_code == 200 and deleted.json()["anonymised_supports"] == 1
    after = (await client.get(f"/api/v1/processes/{pid}/results")).json()
    assert after["totals"] == before["totals"]
    assert after["contributions"] == before["contributions"]
    survey_results = (await client.get(f"/api/v1/surveys/{survey['id']}/results")).json()
    assert survey_results["responses"] == 1 and survey_results["by_group"] == {"business": 1}
    assert "Hauptstr" not in json.dumps(survey_results)
    gone = (await client.get("/api/v1/participants/me/export", headers=me)).json()
    assert gone["profile"] is None and gone["supports"] == [] and gone["contributions"] == []
    got = (await client.get(f"/api/v1/contributions/{mine['id']}")).json()
    assert got["author_name"] is None and got["mine"] is False
    async with app.state.runtime.db.sessions() as session:
        rows = []
        for table in ("participants", "supports", "survey_answers", "contributions", "comments"):
            rows += (await session.execute(text(f"SELECT * FROM {table}"))).all()
    dump = " ".join(str(r) for r in rows)
    assert pseudonym("test-secret", "leaving@example.org") not in dump
    assert "Lea" not in dump and "Hauptstr" not in dump


async def test_writes_are_rate_limited_per_participant(settings, identity, h):
    limited = settings.model_copy(update={"writes_per_minute_participant": 3})
    async with service_client(create_app(limited)) as c:
        me = identity("participant", sub="eager")
        codes = [
            (
                await c.put(
                    "/api/v1/participants/me", json={"stakeholder_group": "citizen"}, headers=me
                )
            ).status_code
            for _ in range(5)
        ]
        assert codes == [200, 200, 200, 429, 429]
        other = identity("participant", sub="calm")
        assert (
            await c.put(
                "/api/v1/participants/me", json={"stakeholder_group": "citizen"}, headers=other
            )
        ).status_code == 200


async def test_writes_are_rate_limited_per_ip(settings, identity):
    limited = settings.model_copy(update={"writes_per_minute_ip": 2})
    async with service_client(create_app(limited)) as c:
        body = {"stakeholder_group": "citizen"}
        ip = {"X-Forwarded-For": "203.0.113.9"}
        codes = [
            (
                await c.put(
                    "/api/v1/participants/me",
                    json=body,
                    headers=identity("participant", sub=f"u{i}") | ip,
                )
            ).status_code
            for i in range(3)
        ]
        assert codes == [200, 200, 429]
        elsewhere = {"X-Forwarded-For": "203.0.113.10"}
        r = await c.put(
            "/api/v1/participants/me",
            json=body,
            headers=identity("participant", sub="u9") | elsewhere,
        )
        assert r.status_code == 200
