"""Public results, CSV export, publication event and the throttled supports aggregate."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from sqlalchemy import select

from participation_service.results.service import emit_supports_changes
from servicekit.db import utcnow

MUN = "musterstadt"


async def events(app, subject: str) -> list[dict]:
    kit = app.state.runtime.kit
    async with app.state.runtime.db.sessions() as session:
        rows = (
            await session.scalars(
                select(kit.outbox.c.payload)
                .where(kit.outbox.c.subject == subject)
                .order_by(kit.outbox.c.seq)
            )
        ).all()
    return [json.loads(r) for r in rows]


async def test_results_break_down_by_group_and_leave_out_hidden(
    client, identity, make_process, participant, h
):
    process = await make_process()
    pid = process["id"]
    citizen, business = await participant(group="citizen"), await participant(group="business")
    a = await h.contribute(client, pid, citizen, title="A")
    b = await h.contribute(client, pid, business, title="B")
    hidden = await h.contribute(client, pid, business, title="Versteckt")
    for fan in (citizen, business):
        await client.post(f"/api/v1/contributions/{a['id']}/support", headers=fan)
    await client.post(f"/api/v1/contributions/{hidden['id']}/support", headers=citizen)
    await client.post(
        "/api/v1/moderation/actions",
        json={"action": "hide", "target_type": "contribution", "target_id": hidden["id"]},
        headers=identity("moderator", MUN),
    )
    results = (await client.get(f"/api/v1/processes/{pid}/results")).json()
    assert [c["title"] for c in results["contributions"]] == ["A", "B"]
    assert results["contributions"][0]["supports_by_group"] == {"citizen": 1, "business": 1}
    assert results["totals"]["contributions"] == 2 and results["totals"]["supports"] == 2
    assert results["totals"]["contributions_by_group"] == {"citizen": 1, "business": 1}
    assert results["generated_at"].endswith(":00:00+00:00")
    assert "participant" not in json.dumps(results["contributions"])
    assert b["id"] in json.dumps(results)


async def test_csv_export_neutralises_formulas(client, make_process, participant, h):
    process = await make_process()
    await h.contribute(
        client, process["id"], await participant(), title='=HYPERLINK("http://evil")', body="x"
    )
    await h.contribute(client, process["id"], await participant(), title="@SUM(A1)", body="x")
    r = await client.get(f"/api/v1/processes/{process['id']}/results.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert sorted(row["title"] for row in rows) == ['\'=HYPERLINK("http://evil")', "'@SUM(A1)"]
    assert all(row["title"][0] not in "=+-@" for row in rows)


async def test_publish_results_emits_event(app, client, identity, make_process, participant, h):
    process = await make_process()
    c = await h.contribute(client, process["id"], await participant())
    await client.post(
        f"/api/v1/contributions/{c['id']}/support",
        headers=await participant(group="administration"),
    )
    url = f"/api/v1/processes/{process['id']}/results/publish"
    assert h.is_problem(
        await client.post(url, json={"summary": "x"}, headers=await participant()), 403
    )
    r = await client.post(url, json={"summary": "Ein Beitrag."}, headers=identity("editor", MUN))
    assert r.status_code == 200 and r.json()["summary"] == "Ein Beitrag."
    event = next(
        e
        for e in await events(app, "participation.results.published")
        if e["data"]["id"] == process["id"]
    )
    assert event["type"] == "de.smartgov.participation.results.published.v1"
    data = event["data"]
    assert data["use_case_id"] == process["use_case_id"] and data["municipality"] == MUN
    assert data["results"]["totals"]["supports_by_group"] == {"administration": 1}
    assert (await client.get(f"/api/v1/processes/{process['id']}")).json()[
        "results_published_at"
    ] is not None


async def test_supports_changed_is_a_throttled_aggregate(app, client, make_process, participant, h):
    process = await make_process()
    c = await h.contribute(client, process["id"], await participant())
    db = app.state.runtime.db
    for _ in range(5):
        await client.post(
            f"/api/v1/contributions/{c['id']}/support", headers=await participant(group="business")
        )
    t0 = utcnow()
    await emit_supports_changes(db, interval=60, now=t0)
    mine = [
        e
        for e in await events(app, "participation.supports.changed")
        if e["data"]["process_id"] == process["id"]
    ]
    assert len(mine) == 1
    assert mine[0]["data"] | {"by_group": None} == {
        "use_case_id": process["use_case_id"],
        "process_id": process["id"],
        "municipality": MUN,
        "supports": 5,
        "contributions": 1,
        "participants": 5,
        "by_group": None,
    }
    assert mine[0]["data"]["by_group"] == {"business": 5}
    await client.post(f"/api/v1/contributions/{c['id']}/support", headers=await participant())
    await emit_supports_changes(db, interval=60, now=t0 + timedelta(seconds=30))
    assert (
        len(
            [
                e
                for e in await events(app, "participation.supports.changed")
                if e["data"]["process_id"] == process["id"]
            ]
        )
        == 1
    )
    await emit_supports_changes(db, interval=60, now=t0 + timedelta(seconds=61))
    await emit_supports_changes(
        db, interval=60, now=t0 + timedelta(seconds=200)
    )  # nothing changed since
    mine = [
        e
        for e in await events(app, "participation.supports.changed")
        if e["data"]["process_id"] == process["id"]
    ]
    assert [e["data"]["supports"] for e in mine] == [5, 6]
