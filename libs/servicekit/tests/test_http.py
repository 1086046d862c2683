"""The app factory: every error is problem+json; request ids, health, metrics."""

from __future__ import annotations

PROBLEM = "application/problem+json"


async def test_unknown_route_is_problem_404(sample_client, nats_server):
    async with sample_client(nats_server.url) as (_, client):
        r = await client.get("/api/v1/nothing-here")
    assert r.status_code == 404
    assert r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["status"] == 404 and body["title"] == "Not Found"
    assert body["instance"] == "/api/v1/nothing-here"


async def test_wrong_method_is_problem_405(sample_client, nats_server):
    async with sample_client(nats_server.url) as (_, client):
        r = await client.delete("/api/v1/notes")
    assert r.status_code == 405
    assert r.headers["content-type"] == PROBLEM
    assert "DELETE" in r.json()["detail"]


async def test_body_over_limit_is_problem_413(sample_client, nats_server, identity):
    headers = identity("editor", "musterstadt")
    async with sample_client(nats_server.url, max_body=1000) as (app, client):
        r = await client.post("/api/v1/notes", content=b"x" * 5000, headers=headers)
        assert r.status_code == 413
        assert r.headers["content-type"] == PROBLEM

        async def chunks():
            for _ in range(10):
                yield b'{"text": "' + b"y" * 200

        streamed = await client.post("/api/v1/notes", content=chunks(), headers=headers)
        assert streamed.status_code == 413
        assert streamed.headers["content-type"] == PROBLEM
        listing = await client.get("/api/v1/notes")
    assert listing.json()["items"] == []


async def test_invalid_body_is_problem_422_with_fields(sample_client, nats_server, identity):
    async with sample_client(nats_server.url) as (_, client):
        r = await client.post(
            "/api/v1/notes", json={"text": ""}, headers=identity("editor", "musterstadt")
        )
        bad_json = await client.post(
            "/api/v1/notes",
            content=b"{not json",
            headers={**identity("editor", "musterstadt"), "content-type": "application/json"},
        )
    assert r.status_code == 422
    assert r.headers["content-type"] == PROBLEM
    assert r.json()["errors"][0]["field"] == "body.text"
    assert bad_json.status_code == 422
    assert bad_json.headers["content-type"] == PROBLEM


async def test_internal_error_is_problem_500_without_internals(sample_client, nats_server):
    async with sample_client(nats_server.url) as (_, client):
        r = await client.get("/api/v1/boom")
    assert r.status_code == 500
    assert r.headers["content-type"] == PROBLEM
    assert "secret internal detail" not in r.text
    assert "Traceback" not in r.text
    assert r.headers["x-request-id"] in r.json()["detail"] or r.json()["detail"]


async def test_request_id_is_generated_or_passed_on(sample_client, nats_server):
    async with sample_client(nats_server.url) as (_, client):
        generated = await client.get("/healthz")
        passed = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
        rejected = await client.get("/healthz", headers={"X-Request-ID": "bad id\twith junk"})
    assert len(generated.headers["x-request-id"]) == 32
    assert passed.headers["x-request-id"] == "abc-123"
    assert rejected.headers["x-request-id"] != "bad id\twith junk"


async def test_logs_are_json_with_request_id(sample_client, nats_server, capfd):
    import json

    async with sample_client(nats_server.url) as (_, client):
        await client.get("/api/v1/notes", headers={"X-Request-ID": "trace-me-42"})
    lines = [line for line in capfd.readouterr().err.splitlines() if "trace-me-42" in line]
    assert lines, "no log line carried the request id"
    record = json.loads(lines[0])
    assert record["request_id"] == "trace-me-42"
    assert record["service"] == "sample-service"
    assert record["status"] == 200


async def test_health_ready_and_metrics(sample_client, nats_server):
    async with sample_client(nats_server.url) as (app, client):
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        await app.state.runtime.bus.wait_connected(10)
        ready = await client.get("/readyz")
        assert ready.status_code == 200, ready.text
        await client.get("/api/v1/notes")
        metrics = await client.get("/metrics")
    assert metrics.status_code == 200
    assert (
        'http_requests_total{method="GET",route="/api/v1/notes",service="sample-service",status="200"}'
        in metrics.text
    )


async def test_unauthenticated_write_is_401_and_forged_identity_rejected(
    sample_client, nats_server
):
    async with sample_client(nats_server.url) as (_, client):
        anonymous = await client.post("/api/v1/notes", json={"text": "hi"})
        forged = await client.post(
            "/api/v1/notes",
            json={"text": "hi"},
            headers={"X-SmartGov-Identity": "eyJhbGciOiJub25lIn0.e30."},
        )
        listing = await client.get("/api/v1/notes")
    assert anonymous.status_code == 401
    assert forged.status_code == 401
    assert forged.headers["content-type"] == PROBLEM
    assert listing.json()["items"] == []


async def test_role_in_other_municipality_is_403(sample_client, nats_server, identity):
    async with sample_client(nats_server.url) as (_, client):
        r = await client.post(
            "/api/v1/notes",
            json={"text": "hi", "municipality": "musterstadt"},
            headers=identity("editor", "anderstadt"),
        )
    assert r.status_code == 403


async def test_access_log_errors_mode_logs_only_failures(sample_client, nats_server, capfd):
    async with sample_client(nats_server.url, access_log="errors") as (_, client):
        await client.get("/api/v1/notes", headers={"X-Request-ID": "quiet-ok-1"})
        await client.get("/api/v1/missing", headers={"X-Request-ID": "loud-404-1"})
    err = capfd.readouterr().err
    assert "loud-404-1" in err
    assert "quiet-ok-1" not in err
