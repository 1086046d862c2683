"""Demo data: an open consultation for a musterstadt use case, with contributions, supports
and comments from each stakeholder group and a short survey. Loaded through the gateway.

The use case comes from the use-case service through events, so this waits until a
published musterstadt use case is listed and until this service's read model knows it."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from servicekit.demo import AuthHeaders, retry_until

log = logging.getLogger("participation_service.demo")
MUN = "musterstadt"
TITLE = "Bürgerbeteiligung: Ihre Ideen für den Anwendungsfall"

PEOPLE = {
    "citizen": ("demo-buergerin", "Erika M."),
    "business": ("demo-einzelhandel", "Modehaus Schmidt"),
    "administration": ("demo-ordnungsamt", "Ordnungsamt"),
    "other": ("demo-verein", "ADFC Ortsgruppe"),
}
CONTRIBUTIONS = {
    "citizen": (
        "problem",
        "Lange Parkplatzsuche am Marktplatz",
        "Samstags kreisen Autos oft 20 Minuten um den Marktplatz.",
        [9.1829, 48.7758],
    ),
    "business": (
        "idea",
        "Freie Plätze digital anzeigen",
        "Eine Anzeige an den Einfallstraßen würde Suchverkehr vermeiden.",
        None,
    ),
    "administration": (
        "idea",
        "Sensoren zuerst in der Altstadt",
        "Mit 120 Stellplätzen in der Altstadt lässt sich der Nutzen gut messen.",
        None,
    ),
    "other": (
        "problem",
        "Radwege werden zugeparkt",
        "Falschparker auf dem Radweg in der Bahnhofstraße gefährden Radfahrende.",
        [9.1801, 48.7784],
    ),
}


def _published_use_case(r: httpx.Response) -> bool:
    return r.status_code == 200 and any(_eligible(i) for i in r.json().get("items", []))


def _eligible(item: dict[str, Any]) -> bool:
    # Use cases have lifecycle statuses (draft ... scaled); public ones are published.
    return item.get("visibility") == "public" and item.get("status") != "retired"


async def seed(client: httpx.AsyncClient, auth: AuthHeaders) -> None:
    editor = auth("editor", MUN)
    listed = await retry_until(
        lambda: client.get("/api/v1/use-cases", params={"municipality": MUN}, headers=editor),
        ok=_published_use_case,
        timeout=60,
    )
    if not _published_use_case(listed):
        log.warning("no published musterstadt use case; participation demo skipped")
        return
    use_case = next(i for i in listed.json()["items"] if _eligible(i))
    existing = await client.get(
        "/api/v1/processes",
        params={"municipality": MUN, "use_case_id": use_case["id"]},
        headers=editor,
    )
    existing.raise_for_status()
    if any(p["title"] == TITLE for p in existing.json()["items"]):
        return

    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    body = {
        "use_case_id": use_case["id"],
        "title": TITLE,
        "description": f"Beteiligung zu „{use_case.get('title', '')}“: Probleme nennen, Ideen "
        "einbringen, unterstützen, was Ihnen wichtig ist.",
        "visibility": "public",
        "allow_guests": True,
        "categories": ["Verkehr", "Umwelt", "Handel"],
        "phases": [
            {
                "kind": "problem_collection",
                "title": "Probleme und Ideen sammeln",
                "starts_at": (now - timedelta(days=7)).isoformat(),
                "ends_at": (now + timedelta(days=30)).isoformat(),
                "contribution_types": ["problem", "idea"],
                "supports_enabled": True,
                "comments_enabled": True,
                "support_budget": 10,
            },
            {
                "kind": "prioritisation",
                "title": "Priorisieren",
                "starts_at": (now + timedelta(days=30)).isoformat(),
                "ends_at": (now + timedelta(days=44)).isoformat(),
                "supports_enabled": True,
                "comments_enabled": True,
                "support_budget": 3,
            },
            {
                "kind": "results",
                "title": "Ergebnisse",
                "starts_at": (now + timedelta(days=44)).isoformat(),
                "ends_at": (now + timedelta(days=90)).isoformat(),
            },
        ],
    }
    created = await retry_until(
        lambda: client.post("/api/v1/processes", json=body, headers=editor),
        ok=lambda r: r.status_code != 422,
        timeout=60,
    )
    created.raise_for_status()
    process = created.json()
    (
        await client.post(f"/api/v1/processes/{process['id']}/open", headers=editor)
    ).raise_for_status()

    people = {group: auth("participant", sub=sub) for group, (sub, _) in PEOPLE.items()}
    for group, headers in people.items():
        profile = {"display_name": PEOPLE[group][1], "stakeholder_group": group}
        (
            await client.put("/api/v1/participants/me", json=profile, headers=headers)
        ).raise_for_status()
    ids: dict[str, str] = {}
    for group, (kind, title, text, point) in CONTRIBUTIONS.items():
        payload: dict[str, Any] = {
            "kind": kind,
            "title": title,
            "body": text,
            "category": "Verkehr",
        }
        if point:
            payload["geometry"] = {"type": "Point", "coordinates": point}
        r = await client.post(
            f"/api/v1/processes/{process['id']}/contributions", json=payload, headers=people[group]
        )
        r.raise_for_status()
        ids[group] = r.json()["id"]
    for supporter, target in [
        ("citizen", "business"),
        ("business", "citizen"),
        ("administration", "citizen"),
        ("other", "citizen"),
        ("citizen", "other"),
        ("administration", "business"),
    ]:
        (
            await client.post(
                f"/api/v1/contributions/{ids[target]}/support", headers=people[supporter]
            )
        ).raise_for_status()
    comment = {"body": "Das erleben wir im Laden jeden Samstag."}
    (
        await client.post(
            f"/api/v1/contributions/{ids['citizen']}/comments",
            json=comment,
            headers=people["business"],
        )
    ).raise_for_status()
    answer = {
        "state": "under_consideration",
        "answer": "Wir prüfen Sensoren für die Altstadt im Pilot.",
    }
    url = f"/api/v1/contributions/{ids['administration']}/answer"
    (await client.put(url, json=answer, headers=editor)).raise_for_status()
    (await client.post(f"{url}/publish", headers=editor)).raise_for_status()
    survey = {
        "phase_id": process["phases"][0]["id"],
        "title": "Wie parken Sie heute?",
        "questions": [
            {
                "kind": "single_choice",
                "text": "Wie oft parken Sie in der Innenstadt?",
                "options": ["täglich", "wöchentlich", "seltener"],
                "required": True,
            },
            {
                "kind": "scale",
                "text": "Wie zufrieden sind Sie mit der Parkplatzsuche (1-5)?",
                "required": True,
            },
            {"kind": "text", "text": "Was wünschen Sie sich?", "confidential": True},
        ],
    }
    r = await client.post(f"/api/v1/processes/{process['id']}/surveys", json=survey, headers=editor)
    r.raise_for_status()
    questions = [q["id"] for q in r.json()["questions"]]
    for i, headers in enumerate(people.values()):
        answers = {
            questions[0]: ["täglich", "wöchentlich", "seltener"][i % 3],
            questions[1]: 1 + i % 5,
        }
        (
            await client.post(
                f"/api/v1/surveys/{r.json()['id']}/responses",
                json={"answers": answers},
                headers=headers,
            )
        ).raise_for_status()
