"""Every operation of the merged document meets the platform's contract conventions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

METHODS = ("get", "put", "post", "delete", "patch")
CAMEL = re.compile(r"[a-z][a-zA-Z0-9]*")
PROBLEM = "#/components/schemas/Problem"
# CKAN's Action API keeps CKAN's own error envelope, so CKAN clients work unchanged.
CKAN = ("/api/3/action/", "/api/action/")


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method in METHODS:
            if isinstance(item.get(method), dict):
                yield path, method, item[method]


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = document["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def has_example(document: dict[str, Any], media: dict[str, Any]) -> bool:
    if "example" in media or "examples" in media:
        return True
    schema = media.get("schema") or {}
    if schema.get("type") == "array" and "items" in schema:
        schema = schema["items"]
    target = resolve(document, schema)
    return "examples" in target or "example" in target


@pytest.fixture(scope="module")
def merged(documents: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return documents["merged"]


def test_every_service_is_in_the_merged_document(merged: dict[str, Any]) -> None:
    groups = {g["name"] for g in merged["x-tagGroups"]}
    assert {"gateway", "usecase", "catalog", "participation"} <= groups
    assert "x-unavailable" not in merged["info"]
    assert len(list(operations(merged))) >= 50


def test_operation_ids_are_unique_camel_case(merged: dict[str, Any]) -> None:
    ids = [op.get("operationId", "") for _, _, op in operations(merged)]
    assert [i for i in ids if not CAMEL.fullmatch(i)] == []
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_every_operation_has_summary_description_and_tags(merged: dict[str, Any]) -> None:
    missing = [
        f"{m.upper()} {p}"
        for p, m, op in operations(merged)
        if not op.get("summary") or not op.get("description") or not op.get("tags")
    ]
    assert missing == []


def test_every_error_is_problem_json(merged: dict[str, Any]) -> None:
    wrong = []
    for path, method, op in operations(merged):
        for status, response in op["responses"].items():
            content = response.get("content") or {}
            if path.startswith(CKAN) and "CKAN envelope" in response["description"]:
                envelope = content["application/json"]["schema"]
                assert envelope["properties"]["success"] == {"const": False}, path
            elif path.startswith("/open311/") and response["description"] == "Open311 error list":
                # GeoReport v2 answers errors as its own list of {code, description}.
                assert content["application/json"]["schema"]["type"] == "array", path
            elif status[0] in "45":
                schema = (content.get("application/problem+json") or {}).get("schema")
                if list(content) != ["application/problem+json"] or schema != {"$ref": PROBLEM}:
                    wrong.append(f"{method.upper()} {path} {status}")
        assert any(s[0] in "45" for s in op["responses"]), f"{method} {path}: no errors"
    assert wrong == []


def test_security_is_declared_and_defined(merged: dict[str, Any]) -> None:
    schemes = set(merged["components"]["securitySchemes"])
    for path, method, op in operations(merged):
        assert op.get("security"), f"{method.upper()} {path}: no security requirement"
        for requirement in op["security"]:
            assert set(requirement) <= schemes, f"{method.upper()} {path}: {requirement}"
        anonymous_writes = {"open311CreateRequest"}  # guests post service requests
        if method != "get" and not path.startswith(CKAN):
            assert ({} in op["security"]) == (op["operationId"] in anonymous_writes), path


def test_request_and_response_bodies_have_examples(merged: dict[str, Any]) -> None:
    missing = []
    for path, method, op in operations(merged):
        bodies = [("request", (op.get("requestBody") or {}).get("content") or {})]
        bodies += [
            (status, r.get("content") or {})
            for status, r in op["responses"].items()
            if status.startswith("2")
        ]
        for where, content in bodies:
            for media_type, media in content.items():
                # RDF serialisations (ld+json) carry no JSON Schema: DCAT-AP defines them.
                schema = media.get("schema")
                if "json" in media_type and schema and not has_example(merged, media):
                    missing.append(f"{method.upper()} {path} {where} {media_type}")
    assert missing == []


def test_headers_for_idempotency_and_concurrency(merged: dict[str, Any]) -> None:
    for path, method, op in operations(merged):
        headers = {p["name"] for p in op.get("parameters", []) if p["in"] == "header"}
        if method == "post":
            assert "Idempotency-Key" in headers, f"POST {path}"
        if "If-Match" in headers:
            assert "412" in op["responses"], f"{method.upper()} {path}"
            read = merged["paths"][path].get("get")
            if read is not None:
                assert "ETag" in read["responses"]["200"].get("headers", {}), f"GET {path}"


def test_pagination_is_declared_consistently(merged: dict[str, Any]) -> None:
    paged = 0
    for path, method, op in operations(merged):
        query = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
        if "cursor" in query:
            paged += 1
            assert "limit" in query, f"{method.upper()} {path}"
            media = op["responses"]["200"]["content"]["application/json"]
            assert "next_cursor" in resolve(merged, media["schema"])["properties"], path
    assert paged >= 5


def untyped(node: Any, path: list[str]) -> Iterator[str]:
    if isinstance(node, dict):
        if {"examples", "example", "security"} & set(path):
            return
        shapeless = node == {} or (
            node.get("type") == "object"
            and "properties" not in node
            and not isinstance(node.get("additionalProperties"), dict)
        )
        in_schema = "schema" in path or "schemas" in path
        if shapeless and in_schema and "description" not in node:
            yield "/".join(path)
        for key, value in node.items():
            yield from untyped(value, [*path, key])
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from untyped(value, [*path, str(i)])


def test_no_untyped_object_without_a_reason(merged: dict[str, Any]) -> None:
    found = {
        p
        for p in untyped(merged, [])
        # CKAN's Action API and Open311 GeoReport v2 answer in their own standards' shapes
        # (documented there); non-JSON bodies are files.
        if not p.startswith(("paths//api/3/action/", "paths//api/action/", "paths//open311/"))
        and "/content/text/" not in p
        and "/content/application/octet-stream" not in p
    }
    assert found == set(), "untyped objects: give them a model, or a `description` naming why"


def test_component_examples_match_their_schemas(merged: dict[str, Any]) -> None:
    invalid = {}
    for name, schema in merged["components"]["schemas"].items():
        examples = schema.get("examples") or ([schema["example"]] if "example" in schema else [])
        validator = jsonschema.Draft202012Validator(
            {**merged, "$ref": f"#/components/schemas/{name}"},
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )
        for example in examples:
            error = next(iter(validator.iter_errors(example)), None)
            if error is not None:
                invalid[name] = error.message
    assert invalid == {}, "examples are documentation: make them valid"


def test_enums_are_described(merged: dict[str, Any]) -> None:
    found = set()
    for name, schema in merged["components"]["schemas"].items():
        if "enum" in schema and not schema.get("description"):
            found.add(name)
        for field, prop in (schema.get("properties") or {}).items():
            options = [prop, *prop.get("anyOf", [])]
            if any("enum" in o and not o.get("description") for o in options) and not prop.get(
                "description"
            ):
                found.add(f"{name}.{field}")
    # Describe the values: a docstring on the Enum class, or `Field(description=...)`.
    assert found == set(), "describe these enums"
