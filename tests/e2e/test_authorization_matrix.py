"""Every route of the merged OpenAPI by every kind of caller → the status the platform must
answer, for a request that is otherwise valid. A route without a row fails the test, so a
new route cannot ship without someone deciding who may call it.

Columns (CALLERS): anonymous, participant, editor, moderator, admin (all of musterstadt
unless noted), other_editor (editor of anderstadt), platform_admin, key_read and key_write
(API keys of musterstadt with read or write scope on every area). The resources are
musterstadt's and public; routes that consume or destroy their target get a fresh one for
every caller, so each cell is independent of the others.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from e2e.callers import CALLERS, HOME, OTHER, Gateway
from harness.polling import eventually

from catalog_service import demo as catalog_demo
from usecase_service import demo as usecase_demo

CSV = b"Art;Anzahl\nLinde;12\nEiche;7\n"

# anonymous participant editor moderator admin other_editor platform_admin key_read key_write
MATRIX: dict[str, str] = {
    # gateway
    "POST /api/v1/municipalities": "401 403 403 403 403 403 201 403 403",
    "GET /api/v1/municipalities": "200 200 200 200 200 200 200 200 200",
    "GET /api/v1/municipalities/{slug}": "200 200 200 200 200 200 200 200 200",
    "PATCH /api/v1/municipalities/{slug}": "401 403 403 403 403 403 200 403 403",
    "POST /api/v1/api-keys": "401 403 403 403 201 403 201 403 403",
    "GET /api/v1/api-keys": "401 403 403 403 200 403 200 403 403",
    "GET /api/v1/api-keys/{key_id}": "401 404 404 404 200 404 200 404 404",
    "DELETE /api/v1/api-keys/{key_id}": "401 404 404 404 204 404 204 404 404",
    # usecase-service
    "POST /api/v1/use-cases": "401 403 201 403 201 403 201 403 201",
    "GET /api/v1/use-cases": "200 200 200 200 200 200 200 200 200",
    "GET /api/v1/use-cases/{use_case_id}": "200 200 200 200 200 200 200 200 200",
    "PATCH /api/v1/use-cases/{use_case_id}": "401 403 200 403 200 403 200 403 200",
    "DELETE /api/v1/use-cases/{use_case_id}": "401 403 204 403 204 403 204 403 204",
    "POST /api/v1/use-cases/{use_case_id}/transitions": "401 403 200 403 200 403 200 403 200",
    "GET /api/v1/use-cases/{use_case_id}/history": "200 200 200 200 200 200 200 200 200",
    "POST /api/v1/use-cases/{use_case_id}/adopt": "401 403 403 403 403 201 201 403 403",
    "PUT /api/v1/use-cases/{use_case_id}/problem": "401 403 200 403 200 403 200 403 200",
    "PUT /api/v1/use-cases/{use_case_id}/process": "401 403 200 403 200 403 200 403 200",
    "PUT /api/v1/use-cases/{use_case_id}/benefits": "401 403 200 403 200 403 200 403 200",
    "PUT /api/v1/use-cases/{use_case_id}/requirements": "401 403 200 403 200 403 200 403 200",
    "PUT /api/v1/use-cases/{use_case_id}/services": "401 403 200 403 200 403 200 403 200",
    "PUT /api/v1/use-cases/{use_case_id}/assessment": "401 403 200 403 200 403 200 403 200",
    "POST /api/v1/use-cases/{use_case_id}/data-requirements": "401 403 201 403 201 403 201 403 201",
    "DELETE /api/v1/use-cases/{use_case_id}/data-requirements/{requirement_id}": (
        "401 403 200 403 200 403 200 403 200"
    ),
    "GET /api/v1/use-cases/{use_case_id}/process/{which}/bpmn": (
        "200 200 200 200 200 200 200 200 200"
    ),
    "PUT /api/v1/use-cases/{use_case_id}/process/{which}/bpmn": (
        "401 403 200 403 200 403 200 403 200"
    ),
    "GET /api/v1/use-cases/{use_case_id}/export": "200 200 200 200 200 200 200 200 200",
    "GET /api/v1/use-cases/{use_case_id}/summary": "200 200 200 200 200 200 200 200 200",
    "GET /api/v1/portfolio": "200 200 200 200 200 200 200 200 200",
    "GET /api/v1/portfolio/roadmap": "200 200 200 200 200 200 200 200 200",
    "GET /api/v1/portfolio/export": "200 200 200 200 200 200 200 200 200",
    "GET /api/v1/usecase-settings/{municipality}": "200 200 200 200 200 200 200 200 200",
    "PUT /api/v1/usecase-settings/{municipality}": "401 403 403 403 200 403 200 403 403",
    # catalog-service
    "GET /api/v1/datasets": "200 200 200 200 200 200 200 200 200",
    "POST /api/v1/datasets": "401 403 201 403 201 403 201 403 201",
    "GET /api/v1/datasets/{id_or_name}": "200 200 200 200 200 200 200 200 200",
    "PATCH /api/v1/datasets/{id_or_name}": "401 404 200 403 200 404 200 403 200",
    "DELETE /api/v1/datasets/{id_or_name}": "401 404 204 403 204 404 204 403 204",
    "POST /api/v1/datasets/{id_or_name}/publish": "401 404 200 403 200 404 200 403 200",
    "POST /api/v1/datasets/{id_or_name}/withdraw": "401 404 200 403 200 404 200 403 200",
    "GET /api/v1/datasets/{id_or_name}/quality": "200 200 200 200 200 200 200 200 200",
    "POST /api/v1/datasets/{id_or_name}/distributions": "401 404 201 403 201 404 201 403 201",
    "GET /api/v1/distributions/{distribution_id}": "200 200 200 200 200 200 200 200 200",
    "PUT /api/v1/distributions/{distribution_id}/file": "401 404 200 403 200 404 200 403 200",
    "GET /api/v1/distributions/{distribution_id}/file": "200 200 200 200 200 200 200 200 200",
    "GET /api/v1/distributions/{distribution_id}/preview": "200 200 200 200 200 200 200 200 200",
    "GET /api/v1/distributions/{distribution_id}/rows": "200 200 200 200 200 200 200 200 200",
    "POST /api/v1/harvest-sources": "401 403 403 403 201 403 201 403 403",
    # Harvest sources are configuration: signed-in callers list their own municipality's
    # (empty for outsiders); runs are visible to members only.
    "GET /api/v1/harvest-sources": "401 200 200 200 200 200 200 200 200",
    "POST /api/v1/harvest-sources/{source_id}/runs": "401 404 201 403 201 404 201 403 201",
    "GET /api/v1/harvest-sources/{source_id}/runs": "404 404 200 200 200 404 200 200 200",
    "PATCH /api/v1/distributions/{distribution_id}": "401 404 200 403 200 404 200 403 200",
    "DELETE /api/v1/distributions/{distribution_id}": "401 404 204 403 204 404 204 403 204",
    "POST /api/v1/organizations": "401 403 403 403 201 403 201 403 403",
    "GET /api/v1/organizations": "200 200 200 200 200 200 200 200 200",
    "GET /api/v1/organizations/{id_or_name}": "200 200 200 200 200 200 200 200 200",
    "PATCH /api/v1/organizations/{id_or_name}": "401 403 403 403 200 403 200 403 403",
    "GET /api/v1/organizations/{id_or_name}/quality": "200 200 200 200 200 200 200 200 200",
    "GET /api/v1/data-requests": "200 200 200 200 200 200 200 200 200",
    "POST /api/v1/data-requests/{request_id}/fulfil": "401 403 200 403 200 403 200 403 200",
    "GET /api/3/action/{name}": "200 200 200 200 200 200 200 200 200",
    "GET /api/action/{name}": "200 200 200 200 200 200 200 200 200",
    "POST /api/3/action/{name}": "200 200 200 200 200 200 200 200 200",
    "POST /api/action/{name}": "200 200 200 200 200 200 200 200 200",
    "GET /catalog.ttl": "200 200 200 200 200 200 200 200 200",
    "GET /catalog.rdf": "200 200 200 200 200 200 200 200 200",
    "GET /catalog.jsonld": "200 200 200 200 200 200 200 200 200",
    "GET /catalog": "200 200 200 200 200 200 200 200 200",
    "GET /dataset/{ref}": "200 200 200 200 200 200 200 200 200",
    # participation-service
    "POST /api/v1/processes": "401 403 201 403 201 403 201 403 201",
    "GET /api/v1/processes": "200 200 200 200 200 200 200 200 200",
    "GET /api/v1/processes/{process_id}": "200 200 200 200 200 200 200 200 200",
    "PATCH /api/v1/processes/{process_id}": "401 403 200 403 200 403 200 403 200",
    "POST /api/v1/processes/{process_id}/open": "401 404 200 200 200 404 200 403 200",
    "POST /api/v1/processes/{process_id}/close": "401 403 200 200 200 403 200 403 200",
    "POST /api/v1/processes/{process_id}/invitations": "401 403 200 403 200 403 200 403 200",
    "POST /api/v1/processes/{process_id}/contributions": "401 201 201 201 201 201 201 403 422",
    "GET /api/v1/processes/{process_id}/contributions": "200 200 200 200 200 200 200 200 200",
    "GET /api/v1/contributions/{contribution_id}": "200 200 200 200 200 200 200 200 200",
    "PATCH /api/v1/contributions/{contribution_id}": "401 403 403 403 403 403 403 403 403",
    "POST /api/v1/contributions/{contribution_id}/withdraw": "401 403 403 403 403 403 403 403 403",
    "POST /api/v1/contributions/{contribution_id}/support": "401 201 201 201 201 201 201 403 422",
    "DELETE /api/v1/contributions/{contribution_id}/support": "401 200 200 200 200 200 200 403 422",
    "PUT /api/v1/contributions/{contribution_id}/answer": "401 403 200 403 200 403 200 403 200",
    "POST /api/v1/contributions/{contribution_id}/answer/publish": (
        "401 403 200 403 200 403 200 403 200"
    ),
    "POST /api/v1/contributions/{contribution_id}/comments": "401 201 201 201 201 201 201 403 422",
    "GET /api/v1/contributions/{contribution_id}/comments": "200 200 200 200 200 200 200 200 200",
    "POST /api/v1/processes/{process_id}/surveys": "401 403 201 403 201 403 201 403 201",
    "GET /api/v1/processes/{process_id}/surveys": "200 200 200 200 200 200 200 200 200",
    "GET /api/v1/surveys/{survey_id}": "200 200 200 200 200 200 200 200 200",
    "POST /api/v1/surveys/{survey_id}/responses": "401 201 201 201 201 201 201 403 422",
    "GET /api/v1/surveys/{survey_id}/results": "200 200 200 200 200 200 200 200 200",
    "POST /api/v1/contributions/{contribution_id}/reports": "401 201 201 201 201 201 201 403 201",
    "POST /api/v1/contributions/{contribution_id}/comments/{comment_id}/reports": (
        "401 201 201 201 201 201 201 403 201"
    ),
    "GET /api/v1/moderation/queue": "401 403 403 200 200 403 200 403 403",
    "POST /api/v1/moderation/actions": "401 403 403 201 201 403 201 403 403",
    "GET /api/v1/moderation/log": "401 403 403 200 200 403 200 403 403",
    "GET /api/v1/processes/{process_id}/results": "200 200 200 200 200 200 200 200 200",
    "GET /api/v1/processes/{process_id}/results.csv": "200 200 200 200 200 200 200 200 200",
    "GET /api/v1/processes/{process_id}/results.json": "200 200 200 200 200 200 200 200 200",
    "POST /api/v1/processes/{process_id}/results/publish": "401 403 200 403 200 403 200 403 200",
    "GET /api/v1/participants/me": "401 200 200 200 200 200 200 404 404",
    "PUT /api/v1/participants/me": "401 200 200 200 200 200 200 403 200",
    "DELETE /api/v1/participants/me": "401 200 200 200 200 200 200 403 200",
    "GET /api/v1/participants/me/export": "401 200 200 200 200 200 200 200 200",
    "GET /open311/v2/services.json": "200 200 200 200 200 200 200 200 200",
    "POST /open311/v2/requests.json": "401 201 201 201 201 201 201 403 422",
    "GET /open311/v2/requests.json": "200 200 200 200 200 200 200 200 200",
    "GET /open311/v2/requests/{service_request_id}.json": "200 200 200 200 200 200 200 200 200",
}


@dataclass
class Call:
    path: str
    json: Any = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    sub: str | None = None  # a subject of its own (people only), for calls that erase data


class World:
    """Musterstadt's resources the calls point at, made through the gateway as their owners
    would. Factories (`fresh_*`) make a new one per call for routes that use up their
    target."""

    def __init__(self, gw: Gateway) -> None:
        self.gw = gw
        self.run = uuid.uuid4().hex[:8]
        self.serial = 0
        for who in (
            "participant",
            "editor",
            "moderator",
            "admin",
            "other_editor",
            "platform_admin",
        ):
            profile = {"display_name": who, "stakeholder_group": "citizen"}
            gw.request("PUT", "/api/v1/participants/me", who, json=profile)
        gw.request("PUT", "/api/v1/participants/me", "participant", sub=AUTHOR, json=PROFILE)
        org = {**catalog_demo.ORGANIZATION, "name": self.unique("org")}
        made = gw.once_known("POST", "/api/v1/organizations", "admin", json=org)
        assert made.status_code == 201, made.text
        self.org = org["name"]
        self.dataset = self.fresh_dataset(publish=True)
        self.distribution = self.fresh_distribution()
        self.file_distribution = self.fresh_distribution()
        gw.ok(
            "PUT",
            f"/api/v1/distributions/{self.file_distribution}/file",
            "editor",
            content=CSV,
            headers={"Content-Type": "text/csv"},
            params={"filename": "baeume.csv"},
        )
        self.harvest_source = str(
            gw.ok("POST", "/api/v1/harvest-sources", "admin", json=self.harvest_source_body(),
                  expect=201)["id"]
        )  # fmt: skip
        self.use_case = self.fresh_use_case(steps=usecase_demo.STEPS)
        self.bpmn = gw.get(f"/api/v1/use-cases/{self.use_case}/process/as_is/bpmn").content
        self.settings = gw.ok("GET", f"/api/v1/usecase-settings/{HOME}", "editor")
        self.data_requests = self.open_data_requests(len(CALLERS))
        self.process = self.fresh_process(open_=True)
        self.phase = gw.ok("GET", f"/api/v1/processes/{self.process}", "editor")["phases"][0]
        self.contribution = self.fresh_contribution()
        self.problem = self.fresh_contribution(kind="problem")
        self.comment = self.fresh_comment()
        self.survey = self.fresh_survey()

    def unique(self, stem: str) -> str:
        self.serial += 1
        return f"{stem}-{self.run}-{self.serial}"

    def api_key_id(self) -> str:
        body = {"municipality": HOME, "name": self.unique("matrix"), "scopes": ["catalog:read"]}
        return self.gw.ok("POST", "/api/v1/api-keys", "admin", json=body, expect=201)["id"]

    def fresh_dataset(self, publish: bool = False) -> str:
        body = {**catalog_demo.DATASETS[0], "organization": self.org, "name": self.unique("ds")}
        made = self.gw.ok("POST", "/api/v1/datasets", "editor", json=body, expect=201)
        if publish:
            self.gw.ok("POST", f"/api/v1/datasets/{made['id']}/publish", "editor")
        return str(made["name"])

    def harvest_source_body(self) -> dict[str, Any]:
        # Nothing listens on port 9: a run fails fast and reports it, which is all we need.
        return {
            "organization": self.org,
            "title": self.unique("Quelle"),
            "url": "http://127.0.0.1:9",
            "kind": "ckan",
        }

    def fresh_distribution(self) -> str:
        body = {"title": "CSV", "download_url": "https://example.org/x.csv", "format": "CSV"}
        url = f"/api/v1/datasets/{self.dataset}/distributions"
        return str(self.gw.ok("POST", url, "editor", json=body, expect=201)["id"])

    def fresh_use_case(self, steps: tuple[str, ...] = ("problem",)) -> str:
        body = {**usecase_demo.PARKING["create"], "title": self.unique("Anwendungsfall")}
        made = self.gw.ok("POST", "/api/v1/use-cases", "editor", json=body, expect=201)
        for step in steps:
            url = f"/api/v1/use-cases/{made['id']}/{step}"
            self.gw.ok("PUT", url, "editor", json=usecase_demo.PARKING[step])
        return str(made["id"])

    def fresh_requirement(self) -> str:
        url = f"/api/v1/use-cases/{self.use_case}/data-requirements"
        title = self.unique("Daten")
        use_case = self.gw.ok("POST", url, "editor", json=need(title), expect=201)
        return next(str(r["id"]) for r in use_case["data_requirements"] if r["title"] == title)

    def open_data_requests(self, count: int) -> list[str]:
        titles = {self.unique("Gesucht") for _ in range(count)}
        url = f"/api/v1/use-cases/{self.use_case}/data-requirements"
        for title in titles:
            self.gw.ok("POST", url, "editor", json=need(title), expect=201)

        def listed() -> list[str] | None:
            page = self.gw.ok("GET", "/api/v1/data-requests?limit=100", "editor")["items"]
            found = [str(r["id"]) for r in page if r["title"] in titles]
            return found if len(found) == count else None

        return eventually(listed, timeout=60)

    def fresh_process(self, open_: bool) -> str:
        made = self.gw.once_known(
            "POST", "/api/v1/processes", "editor", json=process_body(self.use_case)
        )
        assert made.status_code == 201, made.text
        if open_:
            self.gw.ok("POST", f"/api/v1/processes/{made.json()['id']}/open", "editor")
        return str(made.json()["id"])

    def fresh_contribution(self, kind: str = "idea") -> str:
        url = f"/api/v1/processes/{self.process}/contributions"
        idea = {"kind": kind, "title": self.unique("Beitrag"), "body": "Mehr Sensoren."}
        made = self.gw.ok("POST", url, "participant", sub=AUTHOR, json=idea, expect=201)
        return str(made["id"])

    def fresh_comment(self) -> str:
        url = f"/api/v1/contributions/{self.contribution}/comments"
        made = self.gw.ok("POST", url, "participant", sub=AUTHOR, json={"body": "Ja."}, expect=201)
        return str(made["id"])

    def fresh_survey(self) -> str:
        body = {"phase_id": self.phase["id"], "title": "Umfrage", "questions": [QUESTION]}
        url = f"/api/v1/processes/{self.process}/surveys"
        made = self.gw.ok("POST", url, "editor", json=body, expect=201)
        self.question = made["questions"][0]["id"]
        return str(made["id"])

    def supported_contribution(self, who: str) -> str:
        contribution = self.fresh_contribution()
        self.gw.request("POST", f"/api/v1/contributions/{contribution}/support", who)
        return contribution

    def answered_contribution(self) -> str:
        contribution = self.fresh_contribution()
        url = f"/api/v1/contributions/{contribution}/answer"
        self.gw.ok("PUT", url, "editor", json=ANSWER)
        return contribution


AUTHOR = "matrix-author"
PROFILE = {"display_name": "Autorin", "stakeholder_group": "citizen"}
QUESTION = {"kind": "scale", "text": "Wie zufrieden sind Sie (1-5)?", "required": True}
ANSWER = {"state": "accepted", "answer": "Wird 2027 umgesetzt."}


def need(title: str) -> dict[str, Any]:
    return {"title": title, "description": "", "open": True, "personal": False}


def process_body(use_case: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "use_case_id": use_case,
        "title": "Beteiligung",
        "visibility": "public",
        "allow_guests": False,
        "phases": [
            {
                "kind": "problem_collection",
                "title": "Sammeln",
                "starts_at": (now - timedelta(days=1)).isoformat(),
                "ends_at": (now + timedelta(days=30)).isoformat(),
                "contribution_types": ["problem", "idea"],
                "supports_enabled": True,
                "comments_enabled": True,
                "support_budget": 10,
            }
        ],
    }


UC = "/api/v1/use-cases"
XML = {"Content-Type": "application/xml"}
SETTINGS_FIELDS = (
    "discount_rate",
    "discount_rate_source",
    "portfolio_weights",
    "recommendation_threshold",
    "wage_rate_eur_per_hour",
)
Build = Callable[[World, str], Call]


def use_case_entries() -> dict[str, Build]:
    return {
        "POST /api/v1/use-cases": lambda w, who: Call(
            UC, json={**usecase_demo.PARKING["create"], "title": w.unique("Neu")}
        ),
        "GET /api/v1/use-cases": lambda w, who: Call(UC),
        "GET /api/v1/use-cases/{use_case_id}": lambda w, who: Call(f"{UC}/{w.use_case}"),
        "PATCH /api/v1/use-cases/{use_case_id}": lambda w, who: Call(
            f"{UC}/{w.use_case}", json={"progress": 50}
        ),
        "DELETE /api/v1/use-cases/{use_case_id}": lambda w, who: Call(f"{UC}/{w.fresh_use_case()}"),
        "POST /api/v1/use-cases/{use_case_id}/transitions": lambda w, who: Call(
            f"{UC}/{w.fresh_use_case()}/transitions", json={"to": "problem_defined"}
        ),
        "GET /api/v1/use-cases/{use_case_id}/history": lambda w, who: Call(
            f"{UC}/{w.use_case}/history"
        ),
        "POST /api/v1/use-cases/{use_case_id}/adopt": lambda w, who: Call(
            f"{UC}/{w.use_case}/adopt", json={"municipality": OTHER}
        ),
        **{
            f"PUT /api/v1/use-cases/{{use_case_id}}/{step}": (
                lambda w, who, step=step: Call(
                    f"{UC}/{w.use_case}/{step}", json=usecase_demo.PARKING[step]
                )
            )
            for step in usecase_demo.STEPS
        },
        "POST /api/v1/use-cases/{use_case_id}/data-requirements": lambda w, who: Call(
            f"{UC}/{w.use_case}/data-requirements", json=need(w.unique("Daten"))
        ),
        "DELETE /api/v1/use-cases/{use_case_id}/data-requirements/{requirement_id}": (
            lambda w, who: Call(f"{UC}/{w.use_case}/data-requirements/{w.fresh_requirement()}")
        ),
        "GET /api/v1/use-cases/{use_case_id}/process/{which}/bpmn": lambda w, who: Call(
            f"{UC}/{w.use_case}/process/as_is/bpmn"
        ),
        "PUT /api/v1/use-cases/{use_case_id}/process/{which}/bpmn": lambda w, who: Call(
            f"{UC}/{w.use_case}/process/as_is/bpmn", content=w.bpmn, headers=XML
        ),
        "GET /api/v1/use-cases/{use_case_id}/export": lambda w, who: Call(
            f"{UC}/{w.use_case}/export"
        ),
        "GET /api/v1/use-cases/{use_case_id}/summary": lambda w, who: Call(
            f"{UC}/{w.use_case}/summary"
        ),
        "GET /api/v1/portfolio": lambda w, who: Call(
            "/api/v1/portfolio", params={"municipality": HOME}
        ),
        "GET /api/v1/portfolio/roadmap": lambda w, who: Call(
            "/api/v1/portfolio/roadmap", params={"municipality": HOME}
        ),
        "GET /api/v1/portfolio/export": lambda w, who: Call(
            "/api/v1/portfolio/export", params={"municipality": HOME}
        ),
        "GET /api/v1/usecase-settings/{municipality}": lambda w, who: Call(
            f"/api/v1/usecase-settings/{HOME}"
        ),
        "PUT /api/v1/usecase-settings/{municipality}": lambda w, who: Call(
            f"/api/v1/usecase-settings/{HOME}",
            json={k: v for k, v in w.settings.items() if k in SETTINGS_FIELDS},
        ),
    }


def catalog_entries() -> dict[str, Build]:
    return {
        "GET /api/v1/datasets": lambda w, who: Call("/api/v1/datasets"),
        "POST /api/v1/datasets": lambda w, who: Call(
            "/api/v1/datasets",
            json={**catalog_demo.DATASETS[1], "organization": w.org, "name": w.unique("neu")},
        ),
        "GET /api/v1/datasets/{id_or_name}": lambda w, who: Call(f"/api/v1/datasets/{w.dataset}"),
        "PATCH /api/v1/datasets/{id_or_name}": lambda w, who: Call(
            f"/api/v1/datasets/{w.dataset}", json={"keywords": ["Parken", "Verkehr"]}
        ),
        "DELETE /api/v1/datasets/{id_or_name}": lambda w, who: Call(
            f"/api/v1/datasets/{w.fresh_dataset()}"
        ),
        "POST /api/v1/datasets/{id_or_name}/publish": lambda w, who: Call(
            f"/api/v1/datasets/{w.fresh_dataset()}/publish"
        ),
        "POST /api/v1/datasets/{id_or_name}/withdraw": lambda w, who: Call(
            f"/api/v1/datasets/{w.fresh_dataset(publish=True)}/withdraw"
        ),
        "GET /api/v1/datasets/{id_or_name}/quality": lambda w, who: Call(
            f"/api/v1/datasets/{w.dataset}/quality"
        ),
        "POST /api/v1/datasets/{id_or_name}/distributions": lambda w, who: Call(
            f"/api/v1/datasets/{w.dataset}/distributions", json={"title": "JSON"}
        ),
        "GET /api/v1/distributions/{distribution_id}": lambda w, who: Call(
            f"/api/v1/distributions/{w.distribution}"
        ),
        "PUT /api/v1/distributions/{distribution_id}/file": lambda w, who: Call(
            f"/api/v1/distributions/{w.fresh_distribution()}/file",
            content=CSV,
            headers={"Content-Type": "text/csv"},
            params={"filename": "baeume.csv"},
        ),
        "GET /api/v1/distributions/{distribution_id}/file": lambda w, who: Call(
            f"/api/v1/distributions/{w.file_distribution}/file"
        ),
        "GET /api/v1/distributions/{distribution_id}/preview": lambda w, who: Call(
            f"/api/v1/distributions/{w.file_distribution}/preview"
        ),
        "GET /api/v1/distributions/{distribution_id}/rows": lambda w, who: Call(
            f"/api/v1/distributions/{w.file_distribution}/rows"
        ),
        "POST /api/v1/harvest-sources": lambda w, who: Call(
            "/api/v1/harvest-sources", json=w.harvest_source_body()
        ),
        "GET /api/v1/harvest-sources": lambda w, who: Call("/api/v1/harvest-sources"),
        "POST /api/v1/harvest-sources/{source_id}/runs": lambda w, who: Call(
            f"/api/v1/harvest-sources/{w.harvest_source}/runs"
        ),
        "GET /api/v1/harvest-sources/{source_id}/runs": lambda w, who: Call(
            f"/api/v1/harvest-sources/{w.harvest_source}/runs"
        ),
        "PATCH /api/v1/distributions/{distribution_id}": lambda w, who: Call(
            f"/api/v1/distributions/{w.distribution}", json={"description": "Zeitreihe"}
        ),
        "DELETE /api/v1/distributions/{distribution_id}": lambda w, who: Call(
            f"/api/v1/distributions/{w.fresh_distribution()}"
        ),
        "POST /api/v1/organizations": lambda w, who: Call(
            "/api/v1/organizations", json={**catalog_demo.ORGANIZATION, "name": w.unique("o")}
        ),
        "GET /api/v1/organizations": lambda w, who: Call("/api/v1/organizations"),
        "GET /api/v1/organizations/{id_or_name}": lambda w, who: Call(
            f"/api/v1/organizations/{w.org}"
        ),
        "PATCH /api/v1/organizations/{id_or_name}": lambda w, who: Call(
            f"/api/v1/organizations/{w.org}", json={"description": "Offene Daten"}
        ),
        "GET /api/v1/organizations/{id_or_name}/quality": lambda w, who: Call(
            f"/api/v1/organizations/{w.org}/quality"
        ),
        "GET /api/v1/data-requests": lambda w, who: Call("/api/v1/data-requests"),
        "POST /api/v1/data-requests/{request_id}/fulfil": lambda w, who: Call(
            f"/api/v1/data-requests/{w.data_requests.pop()}/fulfil", json={"dataset": w.dataset}
        ),
        **{
            f"{method} {prefix}/{{name}}": (
                lambda w, who, method=method, prefix=prefix: Call(
                    f"{prefix}/package_show",
                    params={"id": w.dataset} if method == "GET" else {},
                    json={"id": w.dataset} if method == "POST" else None,
                )
            )
            for method in ("GET", "POST")
            for prefix in ("/api/3/action", "/api/action")
        },
        **{
            f"GET {path}": (lambda w, who, path=path: Call(path))
            for path in ("/catalog.ttl", "/catalog.rdf", "/catalog.jsonld", "/catalog")
        },
        "GET /dataset/{ref}": lambda w, who: Call(f"/dataset/{w.dataset}"),
    }


def participation_entries() -> dict[str, Build]:
    pr = "/api/v1/processes"
    co = "/api/v1/contributions"
    return {
        "POST /api/v1/processes": lambda w, who: Call(pr, json=process_body(w.use_case)),
        "GET /api/v1/processes": lambda w, who: Call(pr),
        "GET /api/v1/processes/{process_id}": lambda w, who: Call(f"{pr}/{w.process}"),
        "PATCH /api/v1/processes/{process_id}": lambda w, who: Call(
            f"{pr}/{w.process}", json={"description": "Jetzt mitmachen."}
        ),
        "POST /api/v1/processes/{process_id}/open": lambda w, who: Call(
            f"{pr}/{w.fresh_process(open_=False)}/open"
        ),
        "POST /api/v1/processes/{process_id}/close": lambda w, who: Call(
            f"{pr}/{w.fresh_process(open_=True)}/close"
        ),
        "POST /api/v1/processes/{process_id}/invitations": lambda w, who: Call(
            f"{pr}/{w.process}/invitations", json={"subjects": ["oidc|4711"]}
        ),
        "POST /api/v1/processes/{process_id}/contributions": lambda w, who: Call(
            f"{pr}/{w.process}/contributions",
            json={"kind": "idea", "title": w.unique("Idee"), "body": "Mehr Bänke."},
        ),
        "GET /api/v1/processes/{process_id}/contributions": lambda w, who: Call(
            f"{pr}/{w.process}/contributions"
        ),
        "GET /api/v1/contributions/{contribution_id}": lambda w, who: Call(
            f"{co}/{w.contribution}"
        ),
        "PATCH /api/v1/contributions/{contribution_id}": lambda w, who: Call(
            f"{co}/{w.contribution}", json={"title": "Neuer Titel"}
        ),
        "POST /api/v1/contributions/{contribution_id}/withdraw": lambda w, who: Call(
            f"{co}/{w.fresh_contribution()}/withdraw"
        ),
        "POST /api/v1/contributions/{contribution_id}/support": lambda w, who: Call(
            f"{co}/{w.fresh_contribution()}/support"
        ),
        "DELETE /api/v1/contributions/{contribution_id}/support": lambda w, who: Call(
            f"{co}/{w.supported_contribution(who)}/support"
        ),
        "PUT /api/v1/contributions/{contribution_id}/answer": lambda w, who: Call(
            f"{co}/{w.contribution}/answer", json=ANSWER
        ),
        "POST /api/v1/contributions/{contribution_id}/answer/publish": lambda w, who: Call(
            f"{co}/{w.answered_contribution()}/answer/publish"
        ),
        "POST /api/v1/contributions/{contribution_id}/comments": lambda w, who: Call(
            f"{co}/{w.contribution}/comments", json={"body": "Sehe ich auch so."}
        ),
        "GET /api/v1/contributions/{contribution_id}/comments": lambda w, who: Call(
            f"{co}/{w.contribution}/comments"
        ),
        "POST /api/v1/processes/{process_id}/surveys": lambda w, who: Call(
            f"{pr}/{w.process}/surveys",
            json={"phase_id": w.phase["id"], "title": "Noch eine", "questions": [QUESTION]},
        ),
        "GET /api/v1/processes/{process_id}/surveys": lambda w, who: Call(
            f"{pr}/{w.process}/surveys"
        ),
        "GET /api/v1/surveys/{survey_id}": lambda w, who: Call(f"/api/v1/surveys/{w.survey}"),
        "POST /api/v1/surveys/{survey_id}/responses": lambda w, who: Call(
            f"/api/v1/surveys/{w.survey}/responses", json={"answers": {w.question: 4}}
        ),
        "GET /api/v1/surveys/{survey_id}/results": lambda w, who: Call(
            f"/api/v1/surveys/{w.survey}/results"
        ),
        "POST /api/v1/contributions/{contribution_id}/reports": lambda w, who: Call(
            f"{co}/{w.fresh_contribution()}/reports", json={"reason": "spam"}
        ),
        "POST /api/v1/contributions/{contribution_id}/comments/{comment_id}/reports": (
            lambda w, who: Call(
                f"{co}/{w.contribution}/comments/{w.fresh_comment()}/reports",
                json={"reason": "spam"},
            )
        ),
        "GET /api/v1/moderation/queue": lambda w, who: Call(
            "/api/v1/moderation/queue", params={"municipality": HOME}
        ),
        "POST /api/v1/moderation/actions": lambda w, who: Call(
            "/api/v1/moderation/actions",
            json={
                "action": "hide",
                "reason": "Werbung",
                "target_type": "contribution",
                "target_id": w.fresh_contribution(),
            },
        ),
        "GET /api/v1/moderation/log": lambda w, who: Call(
            "/api/v1/moderation/log", params={"municipality": HOME}
        ),
        "GET /api/v1/processes/{process_id}/results": lambda w, who: Call(
            f"{pr}/{w.process}/results"
        ),
        "GET /api/v1/processes/{process_id}/results.csv": lambda w, who: Call(
            f"{pr}/{w.process}/results.csv"
        ),
        "GET /api/v1/processes/{process_id}/results.json": lambda w, who: Call(
            f"{pr}/{w.process}/results.json"
        ),
        "POST /api/v1/processes/{process_id}/results/publish": lambda w, who: Call(
            f"{pr}/{w.process}/results/publish", json={"summary": "Zwischenstand"}
        ),
        "GET /api/v1/participants/me": lambda w, who: Call("/api/v1/participants/me"),
        "PUT /api/v1/participants/me": lambda w, who: Call(
            "/api/v1/participants/me", json={"display_name": who, "stakeholder_group": "other"}
        ),
        "DELETE /api/v1/participants/me": lambda w, who: Call(
            "/api/v1/participants/me", sub=w.unique("eraser")
        ),
        "GET /api/v1/participants/me/export": lambda w, who: Call("/api/v1/participants/me/export"),
        "GET /open311/v2/services.json": lambda w, who: Call("/open311/v2/services.json"),
        "POST /open311/v2/requests.json": lambda w, who: Call(
            "/open311/v2/requests.json",
            json={"service_code": w.process, "description": "Laterne defekt"},
        ),
        "GET /open311/v2/requests.json": lambda w, who: Call("/open311/v2/requests.json"),
        "GET /open311/v2/requests/{service_request_id}.json": lambda w, who: Call(
            f"/open311/v2/requests/{w.problem}.json"
        ),
    }


def gateway_entries() -> dict[str, Build]:
    return {
        "POST /api/v1/municipalities": lambda w, who: Call(
            "/api/v1/municipalities",
            json={
                "slug": w.unique("m"),
                "name": "Neustadt",
                "regional_key": f"09{uuid.uuid4().int % 10**10:010d}",
                "federal_state": "BY",
            },
        ),
        "GET /api/v1/municipalities": lambda w, who: Call("/api/v1/municipalities"),
        "GET /api/v1/municipalities/{slug}": lambda w, who: Call(f"/api/v1/municipalities/{HOME}"),
        "PATCH /api/v1/municipalities/{slug}": lambda w, who: Call(
            f"/api/v1/municipalities/{OTHER}", json={"name": "Anderstadt"}
        ),
        "POST /api/v1/api-keys": lambda w, who: Call(
            "/api/v1/api-keys",
            json={"municipality": HOME, "name": w.unique("k"), "scopes": ["catalog:read"]},
        ),
        "GET /api/v1/api-keys": lambda w, who: Call("/api/v1/api-keys"),
        "GET /api/v1/api-keys/{key_id}": lambda w, who: Call(f"/api/v1/api-keys/{w.api_key_id()}"),
        "DELETE /api/v1/api-keys/{key_id}": lambda w, who: Call(
            f"/api/v1/api-keys/{w.api_key_id()}"
        ),
    }


def entries() -> dict[str, Build]:
    """How to call each route (path, body, target) as the caller `who`."""
    return {
        **gateway_entries(),
        **use_case_entries(),
        **catalog_entries(),
        **participation_entries(),
    }


@pytest.fixture(scope="module")
def world(gw: Gateway) -> World:
    return World(gw)


def test_every_route_of_the_merged_openapi_has_a_row(gw: Gateway):
    def complete() -> dict[str, Any] | None:
        # a service still rendering its spec is marked unavailable and retried shortly
        document: dict[str, Any] = gw.ok("GET", "/openapi.json", "anonymous")
        return None if document["info"].get("x-unavailable") else document

    spec = eventually(complete, timeout=60, interval=1)
    routes = {
        f"{method.upper()} {path}"
        for path, operations in spec["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert sorted(routes - MATRIX.keys()) == [], "routes without a row in MATRIX"
    assert sorted(MATRIX.keys() - routes) == [], "rows for routes that no longer exist"
    assert MATRIX.keys() == entries().keys()


@pytest.mark.parametrize("route", list(MATRIX))
def test_route_answers_each_caller_as_the_matrix_says(gw: Gateway, world: World, route: str):
    method, _ = route.split(" ", 1)
    expected = dict(zip(CALLERS, map(int, MATRIX[route].split()), strict=True))
    build = entries()[route]
    actual = {}
    for who in CALLERS:
        call = build(world, who)
        response = gw.request(
            method,
            call.path,
            who,
            json=call.json,
            content=call.content,
            headers=call.headers,
            params=call.params,
            sub=call.sub,
        )
        actual[who] = response.status_code
    assert actual == expected, f"{route}: {actual}"
