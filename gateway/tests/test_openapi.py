"""The merged OpenAPI 3.1 document, Swagger UI and ReDoc."""

from __future__ import annotations

import time

import httpx
import pytest
from openapi_spec_validator import validate

from gateway.openapi.service import RETRY_UNAVAILABLE_SECONDS, MergedSpec
from gateway.routing import RouteTable

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_merged_spec_is_valid_openapi_31(client):
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    paths = spec["paths"]
    # The gateway's own API and the services' paths, each from its owner only.
    assert "/api/v1/municipalities" in paths and "/api/v1/api-keys/{key_id}" in paths
    assert "/api/v1/use-cases/{use_case_id}" in paths and "/api/v1/datasets" in paths
    assert "/readyz" not in paths and "/_test/seen" not in paths
    operation_ids = [
        op["operationId"] for item in paths.values() for op in item.values() if isinstance(op, dict)
    ]
    assert len(operation_ids) == len(set(operation_ids))
    assert {"registerMunicipality", "createApiKey", "getUseCase", "listDatasets"} <= set(
        operation_ids
    )
    schemes = spec["components"]["securitySchemes"]
    assert {"bearerAuth", "apiKeyHeader", "apiKeyAuthorization", "oidc"} <= set(schemes)
    groups = {g["name"]: g["tags"] for g in spec["x-tagGroups"]}
    assert "municipalities" in groups["gateway"] and "use-cases" in groups["usecase"]
    # The `dead` upstream of the test routes is marked unavailable, the rest still works.
    assert spec["info"]["x-unavailable"] == ["dead"]
    assert "unavailable" in spec["info"]["description"]


async def test_spec_refreshes_when_a_service_changes(client, upstream):
    before = (await client.get("/openapi.json")).json()
    assert "/api/v1/processes" not in before["paths"]
    async with httpx.AsyncClient(base_url=upstream) as direct:
        await direct.post("/_test/add-route")
    after = (await client.get("/openapi.json")).json()
    assert after["paths"]["/api/v1/processes"]["get"]["operationId"] == "listProcesses"
    validate(after)


async def test_swagger_ui_and_redoc(client):
    docs = await client.get("/docs")
    assert docs.status_code == 200 and "swagger-ui" in docs.text and "/openapi.json" in docs.text
    redoc = await client.get("/redoc")
    assert redoc.status_code == 200 and "redoc" in redoc.text.lower()


async def test_a_missing_spec_is_retried_sooner_than_the_regular_refresh():
    spec = MergedSpec(
        RouteTable(routes=[], upstreams={"usecase": "http://127.0.0.1:9"}),
        dict,
        title="t",
        version="1",
        description="",
        refresh_seconds=300,
        oidc_discovery=None,
    )
    spec.fetched_at = time.monotonic() - RETRY_UNAVAILABLE_SECONDS - 1
    assert not spec._stale()
    spec.unavailable["usecase"] = "spec not available (ReadTimeout)"
    assert spec._stale()
