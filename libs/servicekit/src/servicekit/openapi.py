"""The platform's OpenAPI conventions, applied to every service's generated document.

`refine(document)` is a pure function that `create_app` runs over FastAPI's output, so each
router only declares what is specific to it. It makes every 4xx/5xx `application/problem+json`
with the `Problem` schema (FastAPI's own 422 included), declares `Idempotency-Key` on POST,
`ETag`/`If-Match`/412 where a path uses optimistic concurrency, the gateway's 429 and the
kit's 503 on every operation, per-operation security, and an example on every component
schema that has none (built from its fields' examples, defaults and types).
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from pydantic import GetJsonSchemaHandler, TypeAdapter
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema
from pydantic_core import core_schema as core_schema_of

from servicekit.problems import PROBLEM_JSON, Problem

METHODS = ("get", "put", "post", "delete", "patch")
WRITE_METHODS = ("put", "post", "delete", "patch")
PROBLEM_REF = "#/components/schemas/Problem"

# The gateway authenticates; services see the result. Names match the gateway's merged
# document, so each service's document is valid on its own and merges without renames.
SECURITY_SCHEMES: dict[str, Any] = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An OIDC access token of the platform's identity provider "
        "(or, in dev mode, a token from `smartgov token`).",
    },
    "apiKeyHeader": {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "An API key of a municipal system.",
    },
    "apiKeyAuthorization": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "`ApiKey <key>`; on the CKAN API paths the bare key, "
        "as CKAN clients send it.",
    },
}
AUTHENTICATED: list[dict[str, list[str]]] = [{name: []} for name in SECURITY_SCHEMES]
# Reads are open to anonymous callers at the edge unless they declare 401; signing in may
# show more (drafts, internal records).
OPTIONALLY_AUTHENTICATED: list[dict[str, list[str]]] = [{}, *AUTHENTICATED]

IDEMPOTENCY_KEY: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Any unique string (at most 200 characters, e.g. a UUID). A retry with the "
    "same key and body within 24 hours replays the first answer instead of repeating the "
    "action; the same key with another body is a 422, a retry while the first is running a 409.",
    "schema": {"type": "string", "maxLength": 200},
    "example": "8d3c2f9e-6b1a-4c57-9a0e-2f4d6b8c1a33",
}
ETAG_HEADER: dict[str, Any] = {
    "description": "Version of the resource; send it back as `If-Match` when changing it.",
    "schema": {"type": "string"},
    "example": '"3fa85f64-5717-4562-b3fc-2c963f66afa6.4"',
}
IF_MATCH_DESCRIPTION = (
    "The `ETag` you last saw. The change applies only if the resource is still at that "
    "version (else 412); without the header the change applies unconditionally."
)
RETRY_AFTER: dict[str, Any] = {
    "description": "Seconds to wait before retrying.",
    "schema": {"type": "integer"},
}
EVERY_OPERATION_ERRORS = (429, 503)


def _problem(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}},
    }
    if headers:
        response["headers"] = headers
    return response


def _problem_schemas() -> dict[str, Any]:
    schema = Problem.model_json_schema(
        ref_template="#/components/schemas/{model}", mode="serialization"
    )
    defs = schema.pop("$defs", {})
    schema["examples"] = [
        {
            "type": "https://smartgov.example/problems/validation-failed",
            "title": "Validation failed",
            "status": 422,
            "detail": "The request is not valid: body.title: Field required",
            "instance": "/api/v1/use-cases",
            "errors": [{"field": "body.title", "message": "Field required"}],
        }
    ]
    for sub in defs.values():
        sub.setdefault("examples", [{"field": "body.title", "message": "Field required"}])
    return {"Problem": schema, **defs}


def _is_error(status: str) -> bool:
    return status[:1] in ("4", "5")


def _header_param(operation: dict[str, Any], name: str) -> dict[str, Any] | None:
    for parameter in operation.get("parameters") or []:
        if parameter.get("in") == "header" and parameter.get("name", "").lower() == name.lower():
            return parameter  # type: ignore[no-any-return]
    return None


def _ref_name(media: dict[str, Any]) -> str:
    return str((media.get("schema") or {}).get("$ref", "")).rsplit("/", 1)[-1]


def _refine_operation(
    method: str, operation: dict[str, Any], concurrency: bool, problem_names: set[str]
) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status, response in list(responses.items()):
        # An error body another standard defines (CKAN's envelope) is declared with its own
        # content; everything else is problem+json.
        foreign = any(
            media != PROBLEM_JSON
            and content.get("schema")
            and _ref_name(content) not in problem_names
            for media, content in (response.get("content") or {}).items()
        )
        if _is_error(status) and "$ref" not in response and not foreign:
            responses[status] = _problem(
                response.get("description") or HTTPStatus(int(status)).phrase,
                response.get("headers"),
            )
    if method == "post" and _header_param(operation, "Idempotency-Key") is None:
        operation.setdefault("parameters", []).append(copy.deepcopy(IDEMPOTENCY_KEY))
        responses.setdefault("409", _problem("Conflict"))
        responses.setdefault("422", _problem("Unprocessable Entity"))
    if_match = _header_param(operation, "If-Match")
    if if_match is not None:
        if_match["name"] = "If-Match"
        if_match["description"] = if_match.get("description") or IF_MATCH_DESCRIPTION
        if_match["schema"] = {"type": "string", "maxLength": 200}
        if_match.setdefault("example", ETAG_HEADER["example"])
        responses.setdefault("412", _problem("Precondition Failed"))
    if concurrency and method != "delete":
        for status, response in responses.items():
            if status.startswith("2") and status != "204" and "content" in response:
                response.setdefault("headers", {}).setdefault("ETag", copy.deepcopy(ETAG_HEADER))
    for code in EVERY_OPERATION_ERRORS:
        headers = {"Retry-After": copy.deepcopy(RETRY_AFTER)}
        responses.setdefault(str(code), _problem(HTTPStatus(code).phrase, headers))
    # A read that declares 401 itself cannot be called anonymously.
    secure = method in WRITE_METHODS or "401" in responses
    if method in WRITE_METHODS:
        responses.setdefault("401", _problem("Unauthorized"))
    if "security" not in operation:
        operation["security"] = copy.deepcopy(AUTHENTICATED if secure else OPTIONALLY_AUTHENTICATED)


# Examples --------------------------------------------------------------------------------

_FORMAT_EXAMPLES = {
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "date-time": "2026-05-04T09:30:00Z",
    "date": "2026-05-04",
    "uri": "https://musterstadt.example/data",
    "email": "kontakt@musterstadt.example",
}
_HEX64 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
_TYPE_EXAMPLES: dict[str, Any] = {
    "string": "string",
    "integer": 1,
    "number": 1.5,
    "boolean": True,
    "null": None,
}


def example_of(schema: Any, components: dict[str, Any], depth: int = 0) -> Any:
    """A plausible instance of `schema`: its own examples first, then its fields'."""
    if not isinstance(schema, dict) or depth > 8:
        return None
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return example_of(components.get(name), components, depth + 1)
    for key in ("examples", "example", "const", "default"):
        if key in schema:
            value = schema[key]
            if key == "examples" and isinstance(value, list) and value:
                return copy.deepcopy(value[0])
            if key != "examples":
                return copy.deepcopy(value)
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        options = [o for o in schema.get(key) or [] if o.get("type") != "null"]
        if options:
            value = example_of(options[0], components, depth + 1)
            if value is not None or key != "allOf":
                return value
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        return {
            name: example_of(prop, components, depth + 1)
            for name, prop in (schema.get("properties") or {}).items()
        }
    if kind == "array":
        item = example_of(schema.get("items"), components, depth + 1)
        return [] if item is None else [item] * max(1, int(schema.get("minItems", 1)))
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        value = _TYPE_EXAMPLES[kind] if low is None else low + (kind == "integer")
        high = schema.get("maximum")
        return value if high is None else min(value, high)
    if kind == "string" and schema.get("format") in _FORMAT_EXAMPLES:
        return _FORMAT_EXAMPLES[schema["format"]]
    if kind == "string" and "pattern" in schema:
        candidates = [*_FORMAT_EXAMPLES.values(), _HEX64]
        return next((c for c in candidates if re.search(schema["pattern"], c)), None)
    return _TYPE_EXAMPLES.get(str(kind))


def _add_examples(components: dict[str, Any]) -> None:
    for schema in components.values():
        if isinstance(schema, dict) and "examples" not in schema and "example" not in schema:
            value = example_of(schema, components)
            if value is not None:
                schema["examples"] = [value]


def _drop_unused_validation_schemas(document: dict[str, Any], schemas: dict[str, Any]) -> None:
    """FastAPI's 422 body, replaced by Problem; kept only if a router still names it."""
    for name in ("HTTPValidationError", "ValidationError"):
        schema = schemas.pop(name, None)
        if schema is not None and f'"#/components/schemas/{name}"' in json.dumps(document):
            schemas[name] = schema


def refine(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of `document` following the platform's conventions (idempotent)."""
    document = copy.deepcopy(document)
    components = document.setdefault("components", {})
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    kit_problems = [n for n, v in schemas.items() if v.get("description") == Problem.__doc__]
    problem_names = {"Problem", "HTTPValidationError", *kit_problems}
    for name in kit_problems:
        del schemas[name]  # FastAPI's rendering of the kit's Problem, possibly name-mangled
    schemas.update(_problem_schemas())
    components.setdefault("securitySchemes", {}).update(copy.deepcopy(SECURITY_SCHEMES))
    for item in (document.get("paths") or {}).values():
        operations = {m: item[m] for m in METHODS if isinstance(item.get(m), dict)}
        concurrency = any(_header_param(op, "If-Match") for op in operations.values())
        for method, operation in operations.items():
            _refine_operation(method, operation, concurrency, problem_names)
    _drop_unused_validation_schemas(document, schemas)
    _add_examples(schemas)
    return document


def install(app: Any) -> None:
    """Serve `refine(FastAPI's document)` from `app.openapi()` and /openapi.json."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = refine(generate())
        return app.openapi_schema  # type: ignore[no-any-return]

    app.openapi = openapi


@dataclass(frozen=True)
class DocumentedAs:
    """`Annotated[dict[str, Any], DocumentedAs(Model)]`: the value is kept as it is (not
    validated again, not converted), the OpenAPI document shows `Model`'s schema. For data
    that was validated when it was stored (a response re-checking it would cost time and
    could only fail) and for input whose values the service checks itself."""

    shape: Any
    description: str | None = None

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        shape = TypeAdapter(self.shape).core_schema
        if "ref" in shape:  # a model: referenced as its component, not inlined
            shape = core_schema_of.definitions_schema(
                core_schema_of.definition_reference_schema(shape["ref"]), [shape]
            )
        schema = handler(shape)
        if self.description:
            schema["description"] = self.description
        return schema
