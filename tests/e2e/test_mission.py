"""The mission end to end, through the gateway only: open data feeds a use case, citizens
weigh in, the results come back as open data, the use case is approved and another
municipality adopts it. Every seam between the services (events, read models, identity)
is crossed at least once; waits are polls, never sleeps."""

from __future__ import annotations

import uuid
from typing import Any

from e2e.callers import HOME, OTHER, Gateway
from harness.polling import eventually

from catalog_service import demo as catalog_demo
from usecase_service import demo as usecase_demo

GROUPS = ("citizen", "business", "administration", "other")
# Who supports whose contribution: every group supports, every contribution gets support.
SUPPORTS = [
    ("citizen", "business"),
    ("business", "citizen"),
    ("administration", "citizen"),
    ("other", "citizen"),
    ("citizen", "other"),
    ("administration", "business"),
    ("business", "administration"),
]


def _json(gw: Gateway, path: str, who: str = "anonymous") -> Any:
    response = gw.get(path, who)
    return response.json() if response.status_code == 200 else None


def test_the_mission_through_the_gateway(gw: Gateway):
    run = uuid.uuid4().hex[:8]

    # 1. An editor of musterstadt publishes a dataset (in their municipality's organization).
    org = {**catalog_demo.ORGANIZATION, "name": f"stadt-musterstadt-{run}"}
    created = gw.once_known("POST", "/api/v1/organizations", "admin", json=org)
    assert created.status_code == 201, created.text
    dataset = {
        **catalog_demo.DATASETS[0],
        "organization": org["name"],
        "name": f"parkhausbelegung-{run}",
    }
    draft = gw.ok("POST", "/api/v1/datasets", "editor", json=dataset, expect=201)
    published = gw.ok("POST", f"/api/v1/datasets/{draft['id']}/publish", "editor")
    assert published["status"] == "published"
    assert gw.get(f"/api/v1/datasets/{dataset['name']}").status_code == 200  # public now

    # 2. A use case, all six steps walked, the dataset linked as a data requirement; the
    #    catalogue then shows that the use case needs the dataset.
    parking = usecase_demo.PARKING
    body = {**parking["create"], "title": f"Parkraummanagement {run}"}
    use_case = gw.ok("POST", "/api/v1/use-cases", "editor", json=body, expect=201)
    uc = f"/api/v1/use-cases/{use_case['id']}"
    for step in usecase_demo.STEPS:
        gw.ok("PUT", f"{uc}/{step}", "editor", json=parking[step])
    need = {
        "title": "Parkhausbelegung",
        "description": "Freie Plätze je Parkhaus",
        "open": True,
        "personal": False,
        "dataset_id": draft["id"],
    }
    linked = gw.once_known("POST", f"{uc}/data-requirements", "editor", json=need)
    assert linked.status_code == 201, linked.text
    for status in usecase_demo.FORWARD:
        moved = gw.ok("POST", f"{uc}/transitions", "editor", json={"to": status})
        assert moved["status"] == status
    assert moved["status"] == "assessed"

    def demand() -> list[Any]:
        found = _json(gw, f"/api/v1/datasets/{dataset['name']}")
        return [d for d in (found or {}).get("demand", []) if d["use_case_id"] == use_case["id"]]

    needed = eventually(demand, timeout=60)
    assert needed[0]["use_case_title"] == body["title"]

    # 3. A moderator opens a consultation (an editor sets it up as a draft first).
    process_body = {
        "use_case_id": use_case["id"],
        "title": f"Beteiligung Parken {run}",
        "description": "Probleme nennen, Ideen einbringen, unterstützen.",
        "visibility": "public",
        "categories": ["Verkehr"],
        "phases": [
            {
                "kind": "problem_collection",
                "title": "Sammeln",
                "starts_at": "2020-01-01T00:00:00Z",
                "ends_at": "2099-01-01T00:00:00Z",
                "contribution_types": ["problem", "idea"],
                "supports_enabled": True,
                "comments_enabled": True,
                "support_budget": 10,
            }
        ],
    }
    made = gw.once_known("POST", "/api/v1/processes", "editor", json=process_body)
    assert made.status_code == 201, made.text
    process = made.json()
    pr = f"/api/v1/processes/{process['id']}"
    opened = gw.ok("POST", f"{pr}/open", "moderator")
    assert opened["status"] == "open"

    # 4. Participants from each stakeholder group contribute and support.
    people = {group: f"e2e-{group}-{run}" for group in GROUPS}
    contributions = {}
    for group, sub in people.items():
        profile = {"display_name": f"{group} {run}", "stakeholder_group": group}
        gw.ok("PUT", "/api/v1/participants/me", "participant", sub=sub, json=profile)
        idea = {"kind": "idea", "title": f"Idee aus Sicht {group}", "body": "Mehr Sensoren."}
        made = gw.ok("POST", f"{pr}/contributions", "participant", sub=sub, json=idea, expect=201)
        contributions[group] = made["id"]
    for supporter, target in SUPPORTS:
        url = f"/api/v1/contributions/{contributions[target]}/support"
        gw.ok("POST", url, "participant", sub=people[supporter], expect=201)
    listed = gw.ok("GET", f"{pr}/contributions", "anonymous")["items"]
    assert sum(c["supports"] for c in listed) == len(SUPPORTS)

    # 5. The use case's portfolio score reflects the support.
    def ranked() -> dict[str, Any] | None:
        portfolio = _json(gw, f"/api/v1/portfolio?municipality={HOME}", "editor") or {}
        mine = [r for r in portfolio.get("items", []) if r["id"] == use_case["id"]]
        return mine[0] if mine and mine[0]["supports"] == len(SUPPORTS) else None

    entry = eventually(ranked, timeout=90)
    assert entry["components"]["support"]["value"] == len(SUPPORTS)
    assert entry["components"]["support"]["contribution"] > 0

    # 6. The process closes, and its results appear as an open dataset in the catalogue.
    closed = gw.ok("POST", f"{pr}/close", "moderator")
    assert closed["status"] == "closed"
    summary = {"summary": f"{len(GROUPS)} Beiträge, {len(SUPPORTS)} Unterstützungen."}
    gw.ok("POST", f"{pr}/results/publish", "editor", json=summary)
    results = eventually(
        lambda: _json(gw, f"/api/v1/datasets/beteiligung-{process['id']}"), timeout=60
    )
    assert results["status"] == "published"
    assert results["title"].endswith(process_body["title"])
    assert [d["format"] for d in results["distributions"]] == ["JSON"]
    linked_results = eventually(
        lambda: (_json(gw, uc, "editor") or {}).get("participation_results"), timeout=60
    )
    assert linked_results[0]["process_id"] == process["id"]

    # 7. An admin approves the use case (an editor may not).
    decision = {"to": "approved", "reason": f"Ratsbeschluss {run}"}
    assert gw.post(f"{uc}/transitions", "editor", json=decision).status_code == 403
    approved = gw.ok("POST", f"{uc}/transitions", "admin", json=decision)
    assert approved["status"] == "approved"

    # 8. Another municipality adopts it as a draft of its own.
    adopted = gw.ok("POST", f"{uc}/adopt", "other_editor", json={"municipality": OTHER}, expect=201)
    assert (adopted["municipality"], adopted["status"]) == (OTHER, "draft")
    assert adopted["id"] != use_case["id"]
    copy = gw.ok("GET", f"/api/v1/use-cases/{adopted['id']}", "other_editor")
    assert copy["problem"] == approved["problem"]
    assert gw.get(f"/api/v1/use-cases/{adopted['id']}", "editor").status_code == 404
