"""Surveys: one response per participant, required answers, confidential questions."""

from __future__ import annotations

import asyncio
from datetime import timedelta

MUN = "musterstadt"

QUESTIONS = [
    {
        "kind": "single_choice",
        "text": "Wie oft parken Sie?",
        "options": ["oft", "selten"],
        "required": True,
    },
    {"kind": "multiple_choice", "text": "Womit kommen Sie?", "options": ["Auto", "Rad", "Bus"]},
    {"kind": "scale", "text": "Zufriedenheit", "required": True},
    {"kind": "ranking", "text": "Was ist wichtig?", "options": ["Preis", "Nähe", "Sicherheit"]},
    {"kind": "text", "text": "Was wünschen Sie sich?"},
    {"kind": "text", "text": "Vertraulich", "confidential": True},
    {"kind": "single_choice", "text": "Geheim", "options": ["ja", "nein"], "confidential": True},
]


async def make_survey(client, identity, process, phase_index: int = 0, questions=QUESTIONS):
    r = await client.post(
        f"/api/v1/processes/{process['id']}/surveys",
        json={
            "phase_id": process["phases"][phase_index]["id"],
            "title": "Umfrage",
            "questions": questions,
        },
        headers=identity("editor", MUN),
    )
    assert r.status_code == 201, r.text
    return r.json()


def answers_for(survey, **by_text):
    return {q["id"]: by_text[q["text"]] for q in survey["questions"] if q["text"] in by_text}


FULL = {
    "Wie oft parken Sie?": "oft",
    "Womit kommen Sie?": ["Auto", "Bus"],
    "Zufriedenheit": 4,
    "Was ist wichtig?": ["Nähe", "Preis", "Sicherheit"],
    "Was wünschen Sie sich?": "Mehr Bäume",
    "Vertraulich": "Mein Nachbar parkt falsch",
    "Geheim": "ja",
}


async def test_survey_answers_and_results(client, identity, make_process, participant, h):
    process = await make_process()
    survey = await make_survey(client, identity, process)
    assert survey["open"] is True
    citizen, business = await participant(group="citizen"), await participant(group="business")
    url = f"/api/v1/surveys/{survey['id']}/responses"
    r = await client.post(url, json={"answers": answers_for(survey, **FULL)}, headers=citizen)
    assert r.status_code == 201, r.text
    r = await client.post(
        url,
        json={
            "answers": answers_for(survey, **{"Wie oft parken Sie?": "selten", "Zufriedenheit": 2})
        },
        headers=business,
    )
    assert r.status_code == 201
    results = (await client.get(f"/api/v1/surveys/{survey['id']}/results")).json()
    assert results["responses"] == 2 and results["by_group"] == {"citizen": 1, "business": 1}
    q = {x["text"]: x for x in results["questions"]}
    assert q["Wie oft parken Sie?"]["counts"] == {"oft": 1, "selten": 1}
    assert q["Wie oft parken Sie?"]["by_group"]["business"] == {"oft": 0, "selten": 1}
    assert q["Womit kommen Sie?"]["counts"] == {"Auto": 1, "Rad": 0, "Bus": 1}
    assert q["Zufriedenheit"]["mean"] == 3.0
    assert q["Was ist wichtig?"]["ranking_points"] == {"Nähe": 3, "Preis": 2, "Sicherheit": 1}
    assert q["Was wünschen Sie sich?"]["texts"] == ["Mehr Bäume"]
    assert q["Vertraulich"]["answered"] == 1 and q["Vertraulich"]["texts"] is None
    assert q["Geheim"]["counts"] == {"ja": 1, "nein": 0} and q["Geheim"]["by_group"] is None
    assert "Mein Nachbar" not in str(results)


async def test_answering_twice_is_refused_even_in_parallel(
    app, client, identity, make_process, participant, h
):
    process = await make_process()
    survey = await make_survey(client, identity, process)
    me = await participant()
    body = {"answers": answers_for(survey, **FULL)}
    answers = await asyncio.gather(
        *(
            client.post(f"/api/v1/surveys/{survey['id']}/responses", json=body, headers=me)
            for _ in range(8)
        )
    )
    assert sorted(r.status_code for r in answers) == [201] + [409] * 7
    assert (await client.get(f"/api/v1/surveys/{survey['id']}/results")).json()["responses"] == 1


async def test_bad_answers_change_nothing(client, identity, make_process, participant, h):
    process = await make_process()
    survey = await make_survey(client, identity, process)
    me = await participant()
    url = f"/api/v1/surveys/{survey['id']}/responses"
    cases = [
        answers_for(survey, **{"Zufriedenheit": 3}),  # required single choice missing
        answers_for(survey, **(FULL | {"Zufriedenheit": 6})),
        answers_for(survey, **(FULL | {"Zufriedenheit": True})),
        answers_for(survey, **(FULL | {"Wie oft parken Sie?": "nie"})),
        answers_for(survey, **(FULL | {"Womit kommen Sie?": ["Auto", "Auto"]})),
        answers_for(survey, **(FULL | {"Was ist wichtig?": ["Preis"]})),
        answers_for(survey, **(FULL | {"Was wünschen Sie sich?": "<b>fett</b>"})),
        answers_for(survey, **FULL) | {"5b0e8a0c-2f55-4f7c-a6a2-3a4c1e0b9d10": "x"},
    ]
    for answers in cases:
        r = await client.post(url, json={"answers": answers}, headers=me)
        assert h.is_problem(r, 422), (answers, r.text)
        assert r.json()["errors"]
    assert (await client.get(f"/api/v1/surveys/{survey['id']}/results")).json()["responses"] == 0
    assert (
        await client.post(url, json={"answers": answers_for(survey, **FULL)}, headers=me)
    ).status_code == 201


async def test_survey_only_in_its_phase_and_not_for_guests(
    client, identity, make_process, participant, h
):
    later = h.now() + timedelta(days=2)
    process = await make_process(
        allow_guests=True,
        phases=[
            h.phase(),
            h.phase(
                kind="feedback",
                starts_at=later.isoformat(),
                ends_at=(later + timedelta(days=1)).isoformat(),
            ),
        ],
    )
    survey = await make_survey(client, identity, process, phase_index=1)
    assert survey["open"] is False
    body = {"answers": answers_for(survey, **FULL)}
    r = await client.post(
        f"/api/v1/surveys/{survey['id']}/responses", json=body, headers=await participant()
    )
    assert h.is_problem(r, 409)
    now_survey = await make_survey(client, identity, process)
    guest = await client.post(f"/api/v1/surveys/{now_survey['id']}/responses", json=body)
    assert h.is_problem(guest, 401)


async def test_bad_survey_definitions(client, identity, make_process, h):
    process = await make_process()
    editor = identity("editor", MUN)
    for questions in (
        [{"kind": "single_choice", "text": "x", "options": ["nur eins"]}],
        [{"kind": "scale", "text": "x", "options": ["a", "b"]}],
        [{"kind": "text", "text": ""}],
        [],
    ):
        r = await client.post(
            f"/api/v1/processes/{process['id']}/surveys",
            json={"phase_id": process["phases"][0]["id"], "title": "U", "questions": questions},
            headers=editor,
        )
        assert h.is_problem(r, 422), r.text
