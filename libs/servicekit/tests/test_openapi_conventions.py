"""servicekit.openapi.refine: the platform's conventions on a generated OpenAPI document."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Header
from pydantic import BaseModel, Field

from servicekit import openapi
from servicekit.problems import PROBLEM_JSON, install_problem_handlers, problem_responses


class ThingIn(BaseModel):
    name: str = Field(examples=["Parkhaus"])
    size: int


class ThingOut(ThingIn):
    id: str = Field(json_schema_extra={"format": "uuid"})
    tags: list[str]


def sample_app() -> FastAPI:
    router = APIRouter(prefix="/things", tags=["things"])

    @router.post("", status_code=201, operation_id="createThing", responses=problem_responses(403))
    async def create(body: ThingIn) -> ThingOut:
        raise NotImplementedError

    @router.get("/{thing_id}", operation_id="getThing", responses=problem_responses(404))
    async def get(thing_id: str) -> ThingOut:
        raise NotImplementedError

    @router.get("/mine/all", operation_id="listMyThings", responses=problem_responses(401))
    async def mine() -> list[ThingOut]:
        raise NotImplementedError

    @router.patch("/{thing_id}", operation_id="updateThing")
    async def update(
        thing_id: str, body: ThingIn, if_match: Annotated[str | None, Header()] = None
    ) -> ThingOut:
        raise NotImplementedError

    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(router)
    openapi.install(app)
    return app


def op(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    operation: dict[str, Any] = document["paths"][path][method]
    return operation


def test_every_error_is_problem_json_with_the_problem_schema() -> None:
    document = sample_app().openapi()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if status[0] in "45":
                    assert response["content"] == {
                        PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}
                    }, f"{method} {path} {status}"
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert schemas["Problem"]["examples"][0]["status"] == 422
    assert "422" in op(document, "/things", "post")["responses"]
    assert {"429", "503"} <= set(op(document, "/things/{thing_id}", "get")["responses"])


def test_idempotency_concurrency_and_security() -> None:
    document = sample_app().openapi()
    create = op(document, "/things", "post")
    assert [p["name"] for p in create["parameters"]] == ["Idempotency-Key"]
    assert {} not in create["security"] and "401" in create["responses"]
    update = op(document, "/things/{thing_id}", "patch")
    assert "If-Match" in [p["name"] for p in update["parameters"]]
    assert "412" in update["responses"]
    read = op(document, "/things/{thing_id}", "get")
    assert "ETag" in read["responses"]["200"]["headers"]
    assert {} in read["security"]
    assert {} not in op(document, "/things/mine/all", "get")["security"]
    assert set(document["components"]["securitySchemes"]) == set(openapi.SECURITY_SCHEMES)


def test_examples_come_from_fields_and_types() -> None:
    document = sample_app().openapi()
    example = document["components"]["schemas"]["ThingOut"]["examples"][0]
    assert example["name"] == "Parkhaus"
    assert example["id"] == "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    assert isinstance(example["size"], int) and example["tags"] == ["string"]


def test_refine_is_idempotent_and_keeps_what_a_router_declared() -> None:
    document = sample_app().openapi()
    assert openapi.refine(document) == document
    declared = {"paths": {"/x": {"get": {"security": [{"bearerAuth": []}], "responses": {}}}}}
    assert openapi.refine(declared)["paths"]["/x"]["get"]["security"] == [{"bearerAuth": []}]


def test_an_error_body_of_another_standard_is_kept() -> None:
    envelope = {"type": "object", "properties": {"success": {"const": False}}}
    declared = {
        "paths": {
            "/ckan": {
                "get": {
                    "responses": {
                        "404": {
                            "description": "CKAN envelope",
                            "content": {"application/json": {"schema": envelope}},
                        }
                    }
                }
            }
        }
    }
    refined = openapi.refine(declared)["paths"]["/ckan"]["get"]["responses"]
    assert refined["404"]["content"] == {"application/json": {"schema": envelope}}
    assert PROBLEM_JSON in refined["429"]["content"]


class Place(BaseModel):
    name: str = Field(min_length=3)
    lat: float


class Stored(BaseModel):
    place: Annotated[dict[str, Any], openapi.DocumentedAs(Place)] | None


def test_documented_as_shows_the_model_and_keeps_the_value() -> None:
    app = FastAPI()

    @app.get("/stored", operation_id="getStored")
    async def get() -> Stored:
        raise NotImplementedError

    schemas = app.openapi()["components"]["schemas"]
    option = schemas["Stored"]["properties"]["place"]["anyOf"][0]
    assert option == {"$ref": "#/components/schemas/Place"}
    assert schemas["Place"]["required"] == ["name", "lat"]
    # Not validated again: the value as stored, even where `Place` would refuse it.
    stored = {"name": "A", "lat": 1, "legacy": True}
    assert Stored(place=stored).model_dump() == {"place": stored}
