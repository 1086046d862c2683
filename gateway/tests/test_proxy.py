"""Routing, headers, streaming, limits and failures of the proxy, against a real upstream."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from conftest import ORIGIN, auth, serve

pytestmark = pytest.mark.asyncio(loop_scope="session")


def headers_of(echo: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in echo["headers"]:
        out.setdefault(name, []).append(value)
    return out


async def test_routes_by_prefix_without_rewriting(client):
    response = await client.get("/api/v1/use-cases/a%2Fb/c?x=1&x=2&y=%C3%A4")
    assert response.status_code == 200
    echo = response.json()
    assert echo["raw_path"] == "/api/v1/use-cases/a%2Fb/c"
    assert echo["query"] == "x=1&x=2&y=%C3%A4"
    catalog = await client.get("/catalog.ttl")
    assert catalog.json()["path"] == "/catalog.ttl"
    ckan = await client.get("/api/3/action/package_search?q=wasser")
    assert ckan.json()["path"] == "/api/3/action/package_search"


async def test_unknown_route_is_404_problem(client):
    for path in ("/api/v1/nothing-here", "/api/v1/use-casesX", "/etc/passwd"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 404


async def test_hop_by_hop_and_connection_named_headers_are_removed(client):
    response = await client.get(
        "/api/v1/use-cases/x",
        headers={
            "Connection": "keep-alive, X-Private-Hop",
            "X-Private-Hop": "secret",
            "Keep-Alive": "timeout=5",
            "TE": "trailers",
            "Proxy-Authorization": "Basic abc",
            "X-Kept": "yes",
        },
    )
    seen = headers_of(response.json())
    for name in ("x-private-hop", "keep-alive", "te", "proxy-authorization"):
        assert name not in seen, name
    assert seen["x-kept"] == ["yes"]
    assert "connection" not in response.headers or response.headers["connection"] == "keep-alive"


async def test_forwarded_headers_replace_untrusted_chains(client, gateway):
    response = await client.get(
        "/api/v1/use-cases/x",
        headers={
            "X-Forwarded-For": "6.6.6.6",
            "X-Forwarded-Proto": "gopher",
            "X-Forwarded-Host": "evil.example",
        },
    )
    seen = headers_of(response.json())
    assert seen["x-forwarded-for"] == ["127.0.0.1"]
    assert seen["x-forwarded-proto"] == ["http"]
    assert seen["x-forwarded-host"] == [gateway.removeprefix("http://")]


async def test_forwarded_chain_kept_from_trusted_proxy(settings):
    trusting = settings.model_copy(update={"trusted_proxies": ["127.0.0.0/8"]})
    async with serve(trusting) as url, httpx.AsyncClient(base_url=url) as client:
        response = await client.get(
            "/api/v1/use-cases/x",
            headers={
                "X-Forwarded-For": "203.0.113.7",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-Host": "api.smartgov.example",
            },
        )
    seen = headers_of(response.json())
    assert seen["x-forwarded-for"] == ["203.0.113.7, 127.0.0.1"]
    assert seen["x-forwarded-proto"] == ["https"]
    assert seen["x-forwarded-host"] == ["api.smartgov.example"]


async def test_request_id_passed_on_or_generated(client):
    response = await client.get("/api/v1/use-cases/x", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    assert headers_of(response.json())["x-request-id"] == ["abc-123"]
    generated = await client.get(
        "/api/v1/use-cases/x", headers={"X-Request-ID": "bad id with spaces"}
    )
    rid = generated.headers["x-request-id"]
    assert rid != "bad id with spaces" and len(rid) == 32
    assert headers_of(generated.json())["x-request-id"] == [rid]
    missing = await client.get("/api/v1/nothing")
    assert len(missing.headers["x-request-id"]) == 32


async def test_streams_large_uploads_and_downloads(client):
    async def body():
        for _ in range(40):
            yield b"y" * 25_000
            await asyncio.sleep(0)

    upload = await client.post(
        "/api/v1/use-cases/upload", content=body(), headers=auth("editor", "musterstadt")
    )
    assert upload.status_code == 200
    assert upload.json()["body_bytes"] == 1_000_000
    assert "transfer-encoding" in headers_of(upload.json())
    size = 3 * 1024 * 1024 + 17
    received = 0
    async with client.stream("GET", f"/api/v1/datasets/stream/{size}") as download:
        assert download.status_code == 200
        async for chunk in download.aiter_bytes():
            received += len(chunk)
    assert received == size


async def test_body_over_the_limit_is_413_before_the_service(client, upstream):
    async with httpx.AsyncClient(base_url=upstream) as direct:
        before = (await direct.get("/_test/seen")).json()["requests"]
        editor = auth("editor", "musterstadt")
        declared = await client.post("/api/v1/distributions", content=b"z" * 1001, headers=editor)
        assert declared.status_code == 413
        assert declared.headers["content-type"] == "application/problem+json"

        async def chunks():
            for _ in range(5):
                yield b"z" * 400

        streamed = await client.post("/api/v1/distributions", content=chunks(), headers=editor)
        assert streamed.status_code == 413
        small = await client.post("/api/v1/distributions", content=b"z" * 1000, headers=editor)
        assert small.status_code == 200
        after = (await direct.get("/_test/seen")).json()["requests"]
    # Only the small one arrived whole: a streamed body is cut off at the limit.
    assert after == before + 1


async def test_route_timeout_gives_504(client):
    response = await client.get("/api/v1/usecase-settings/slow?seconds=3")
    assert response.status_code == 504
    assert response.headers["content-type"] == "application/problem+json"


async def test_down_upstream_gives_502_then_open_circuit_503(client):
    statuses = [(await client.get("/api/v1/surveys")).status_code for _ in range(3)]
    assert statuses == [502, 502, 502]
    opened = await client.get("/api/v1/surveys")
    assert opened.status_code == 503
    assert opened.headers["content-type"] == "application/problem+json"
    assert int(opened.headers["retry-after"]) >= 1
    # Other upstreams are unaffected.
    assert (await client.get("/api/v1/use-cases/x")).status_code == 200


async def test_cors_preflight_and_simple_requests(client):
    preflight = await client.options(
        "/api/v1/use-cases",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "Authorization" in preflight.headers["access-control-allow-headers"]
    simple = await client.get("/api/v1/use-cases/x", headers={"Origin": ORIGIN})
    assert simple.headers["access-control-allow-origin"] == ORIGIN
    assert "X-Request-ID" in simple.headers["access-control-expose-headers"]
    foreign = await client.options(
        "/api/v1/use-cases",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in foreign.headers


async def test_rate_limit_per_caller_with_headers(client):
    alice, bob = auth("participant", sub="alice"), auth("participant", sub="bob")
    answers = [await client.get("/api/v1/portfolio", headers=alice) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["ratelimit-limit"] == "3"
    assert answers[0].headers["ratelimit-remaining"] == "2"
    refused = answers[3]
    assert refused.headers["content-type"] == "application/problem+json"
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["ratelimit-remaining"] == "0"
    assert int(refused.headers["ratelimit-reset"]) >= 1
    assert (await client.get("/api/v1/portfolio", headers=bob)).status_code == 200


async def test_anonymous_limit_is_per_client_ip(client):
    answers = [(await client.get("/api/v1/portfolio")).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


async def test_health_readiness_and_metrics(client):
    assert (await client.get("/healthz")).status_code == 200
    ready = await client.get("/readyz")
    # The `dead` upstream of the test routes makes the aggregate fail.
    assert ready.status_code == 503
    checks = ready.json()["checks"]
    assert checks["usecase"] == "ok" and checks["dead"].startswith("unreachable")
    own = await client.get("/readyz?self")
    assert own.status_code == 200
    await client.get("/api/v1/use-cases/x")
    metrics = (await client.get("/metrics")).text
    assert (
        'gateway_requests_total{route="/api/v1/use-cases",status="200",upstream="usecase"}'
        in metrics
    )
    assert "gateway_upstream_duration_seconds_bucket" in metrics
    assert "gateway_rate_limited_total" in metrics
    assert "gateway_auth_rejections_total" in metrics
