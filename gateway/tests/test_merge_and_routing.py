"""Pure parts: the route table and the OpenAPI merge."""

from __future__ import annotations

from pathlib import Path

import pytest
from openapi_spec_validator import validate

from gateway.openapi.merge import merge
from gateway.routing import load_table

UPSTREAMS = {"usecase": "http://u", "catalog": "http://c", "participation": "http://p"}


def test_longest_whole_segment_prefix_wins():
    table = load_table(UPSTREAMS, None)
    assert table.match("/catalog.ttl").exact
    assert table.match("/catalog/x").upstream == "catalog"
    assert table.match("/catalogue") is None
    assert table.match("/api/v1/use-cases").upstream == "usecase"
    assert table.match("/api/v1/use-cases/1/steps").upstream == "usecase"
    assert table.match("/api/v1/use-casesX") is None
    assert table.match("/api/v1/municipalities/x").upstream == "gateway"
    assert table.match("/") is None
    ckan = table.match("/api/3/action/package_create")
    assert ckan.is_write("GET", "/api/3/action/package_create")
    assert not ckan.is_write("POST", "/api/3/action/package_search")


def test_routes_file_adds_and_replaces(tmp_path: Path):
    routes = tmp_path / "routes.yaml"
    routes.write_text(
        "upstreams: {search: 'http://s:1'}\n"
        "routes:\n"
        "  - {prefix: /api/v1/search, upstream: search}\n"
        "  - {prefix: /api/v1/datasets, upstream: catalog, timeout: 3}\n"
    )
    table = load_table(UPSTREAMS, routes)
    assert table.match("/api/v1/search/x").upstream == "search"
    assert table.match("/api/v1/datasets").timeout == 3
    routes.write_text("routes:\n  - {prefix: /x, upstream: nowhere}\n")
    with pytest.raises(ValueError, match="unknown upstream"):
        load_table(UPSTREAMS, routes)
    routes.write_text("routes:\n  - {prefix: /x, upstream: catalog, read: everyone}\n")
    with pytest.raises(ValueError, match="unknown rule"):
        load_table(UPSTREAMS, routes)


def _service(path: str, op_id: str, schema: dict) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "s", "version": "1"},
        "paths": {
            path: {
                "get": {
                    "operationId": op_id,
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Item"}
                                }
                            },
                        }
                    },
                }
            },
            "/healthz": {"get": {"responses": {"200": {"description": "ok"}}}},
        },
        "components": {"schemas": {"Item": schema}},
    }


def test_clashing_schemas_and_operation_ids_are_kept_apart():
    table = load_table(UPSTREAMS, None)
    usecase = _service("/api/v1/use-cases", "listItems", {"type": "object", "title": "UseCase"})
    catalog = _service("/api/v1/datasets", "listItems", {"type": "object", "title": "Dataset"})
    own = {"openapi": "3.1.0", "info": {"title": "g", "version": "1"}, "paths": {}}
    merged = merge(
        own,
        {"usecase": usecase, "catalog": catalog, "participation": None},
        table,
        title="t",
        version="1",
        description="d",
        unavailable={"participation": "down"},
    )
    validate(merged)
    assert "/healthz" not in merged["paths"]
    schemas = merged["components"]["schemas"]
    assert schemas["Item"]["title"] == "UseCase"
    assert schemas["catalog_Item"]["title"] == "Dataset"
    dataset_op = merged["paths"]["/api/v1/datasets"]["get"]
    assert dataset_op["operationId"] == "catalogListItems"
    ref = dataset_op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/catalog_Item"
    assert merged["info"]["x-unavailable"] == ["participation"]
