"""What the platform's schemathesis run found: every status an operation answers is declared."""

from __future__ import annotations


async def test_open311_create_declares_its_error_answers(client):
    spec = (await client.get("/openapi.json")).json()
    responses = spec["paths"]["/open311/v2/requests.json"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "409", "422", "429"} <= responses.keys()
    r = await client.post("/open311/v2/requests.json", data={"description": "x"})
    assert r.status_code == 400
    assert r.json()[0]["code"] == 400


async def test_open311_reads_declare_their_error_answers(client):
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert "404" in paths["/open311/v2/requests/{service_request_id}.json"]["get"]["responses"]
    assert "400" in paths["/open311/v2/requests.json"]["get"]["responses"]
    r = await client.get("/open311/v2/requests/0.json")
    assert r.status_code == 404
    assert r.json()[0]["code"] == 404
