"""Lifecycle over HTTP: guarded transitions, decisions by admins, revisions, history."""

from __future__ import annotations

URL = "/api/v1/use-cases"
FORWARD = [
    "problem_defined",
    "process_defined",
    "benefits_defined",
    "requirements_defined",
    "services_defined",
    "assessed",
]


async def move(client, headers, use_case_id, to, reason=""):
    return await client.post(
        f"{URL}/{use_case_id}/transitions", json={"to": to, "reason": reason}, headers=headers
    )


async def test_forward_needs_the_step_and_409_lists_what_is_missing(
    client, editor, create_use_case
):
    created = await create_use_case()
    refused = await move(client, editor, created["id"], "problem_defined")
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["missing"] == [
        "problem.statement",
        "problem.affected_groups",
        "problem.as_is",
        "problem.to_be",
    ]
    skipping = await move(client, editor, created["id"], "assessed")
    assert skipping.status_code == 409
    assert "problem_defined" in skipping.json()["allowed"]
    after = (await client.get(f"{URL}/{created['id']}", headers=editor)).json()
    assert (after["status"], after["version"]) == ("draft", created["version"])


async def test_full_path_with_history(
    client, editor, admin, identity, create_use_case, outbox_subjects
):
    created = await create_use_case(steps=True)
    use_case_id = created["id"]
    for status in FORWARD:
        r = await move(client, editor, use_case_id, status, f"to {status}")
        assert r.status_code == 200, r.text
    assert (await move(client, editor, use_case_id, "approved")).status_code == 403
    assert (await move(client, admin, use_case_id, "rejected")).status_code == 422  # reason
    approved = await move(client, admin, use_case_id, "approved", "Ratsbeschluss 2026/17")
    assert approved.status_code == 200
    for status in ("piloting", "in_operation", "scaled"):
        assert (await move(client, editor, use_case_id, status)).status_code == 200
    back = await move(client, editor, use_case_id, "draft", "why not")
    assert back.status_code == 409  # operating use cases are not revised
    history = (await client.get(f"{URL}/{use_case_id}/history", headers=editor)).json()["items"]
    assert [h["to_status"] for h in history] == [
        "draft",
        *FORWARD,
        "approved",
        "piloting",
        "in_operation",
        "scaled",
    ]
    decision = history[7]
    assert decision["from_status"] == "assessed"
    assert decision["reason"] == "Ratsbeschluss 2026/17"
    assert decision["actor"] == "admin-musterstadt"
    assert history[1]["actor"] == "editor-musterstadt"
    assert (
        await client.get(
            f"{URL}/{use_case_id}/history", headers=identity("editor", "beispielhausen")
        )
    ).status_code == 200  # public
    subjects = await outbox_subjects(use_case_id)
    assert subjects.count("usecase.usecase.status_changed") == 10


async def test_revision_goes_back_and_bumps_the_revision(client, editor, admin, create_use_case):
    created = await create_use_case(steps=True)
    use_case_id = created["id"]
    for status in FORWARD:
        assert (await move(client, editor, use_case_id, status)).status_code == 200
    deferred = await move(client, admin, use_case_id, "deferred", "Haushaltssperre")
    assert deferred.status_code == 200
    no_reason = await move(client, editor, use_case_id, "process_defined")
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "body.reason"
    revised = await move(client, editor, use_case_id, "process_defined", "Prozess neu denken")
    assert revised.status_code == 200
    body = revised.json()
    assert (body["status"], body["revision"]) == ("process_defined", 2)
    history = (await client.get(f"{URL}/{use_case_id}/history", headers=editor)).json()["items"]
    assert history[-1] | {"at": None} == {
        "from_status": "deferred",
        "to_status": "process_defined",
        "reason": "Prozess neu denken",
        "actor": "editor-musterstadt",
        "revision": 2,
        "at": None,
    }


async def test_transition_rules_on_bad_input(client, editor, create_use_case):
    created = await create_use_case(steps=True)
    url = f"{URL}/{created['id']}/transitions"
    assert (await client.post(url, json={"to": "flying"}, headers=editor)).status_code == 422
    assert (
        await client.post(url, json={"to": "problem_defined", "reason": "x" * 2001}, headers=editor)
    ).status_code == 422
    stale = await client.post(
        url, json={"to": "problem_defined"}, headers={**editor, "If-Match": '"x.0"'}
    )
    assert stale.status_code == 412
    after = (await client.get(f"{URL}/{created['id']}", headers=editor)).json()
    assert after["status"] == "draft"
