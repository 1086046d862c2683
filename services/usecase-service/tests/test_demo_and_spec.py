"""The demo seed and the OpenAPI document."""

from __future__ import annotations

import re

from usecase_service import demo

URL = "/api/v1/use-cases"


async def test_demo_seed_is_idempotent(client, identity):
    def auth(role, municipality=None, sub=None):
        return identity(role, municipality, sub=sub)

    await demo.seed(client, auth)
    await demo.seed(client, auth)
    listed = (
        await client.get(
            URL,
            params={"municipality": "musterstadt", "limit": 100},
            headers=auth("editor", "musterstadt"),
        )
    ).json()["items"]
    by_title = {i["title"]: i for i in listed}
    assert len(listed) == 3
    assert {spec["create"]["title"]: spec["status"] for spec in demo.USE_CASES} == {
        title: item["status"] for title, item in by_title.items()
    }
    assert len({i["status"] for i in listed}) == 3
    parking = by_title[demo.PARKING["create"]["title"]]
    history = (await client.get(f"{URL}/{parking['id']}/history")).json()["items"]
    assert [h["to_status"] for h in history][-3:] == ["assessed", "approved", "piloting"]
    assert history[-2]["actor"] == "demo-admin"
    waste = (await client.get(f"{URL}/{by_title[demo.WASTE['create']['title']]['id']}")).json()
    assert waste["assessment_result"]["npv_total"] < 0
    assert waste["assessment_result"]["recommended"] is True  # by its qualitative score


def test_demo_path():
    assert demo.path_to("draft", "problem_defined") == ["problem_defined"]
    assert demo.path_to("assessed", "piloting") == ["approved", "piloting"]
    assert demo.path_to("piloting", "piloting") == []


async def test_openapi_operations_and_examples(client):
    spec = (await client.get("/openapi.json")).json()
    operation_ids = []
    for path, methods in spec["paths"].items():
        assert path.startswith(
            ("/api/v1/use-cases", "/api/v1/portfolio", "/api/v1/usecase-settings")
        )
        for method, operation in methods.items():
            operation_ids.append(operation["operationId"])
            assert re.fullmatch(r"[a-z][a-zA-Z]+", operation["operationId"]), operation[
                "operationId"
            ]
            assert operation.get("summary") and operation.get("description"), (method, path)
            assert operation.get("tags"), (method, path)
            problems = [s for s in operation["responses"] if s.startswith(("4", "5"))]
            assert problems, (method, path)
    assert len(operation_ids) == len(set(operation_ids))
    # servicekit's and FastAPI's own schemas
    foreign = {"FieldError", "HTTPValidationError", "ValidationError"}
    for name, schema in spec["components"]["schemas"].items():
        if name in foreign or name.startswith(("Page_", "servicekit__")):
            continue
        assert "examples" in schema, name
