"""A NUL character in the path or query is a 400 problem, never a database error (found by
fuzzing the platform on PostgreSQL: `?municipality=%00...` was a 500)."""

from __future__ import annotations


async def test_nul_in_query_or_path_is_problem_400(sample_client, nats_server):
    async with sample_client(nats_server.url) as (_, client):
        for url in ("/api/v1/widgets?name=%00x", "/api/v1/widgets?name=a%00", "/api/v1/wid%00"):
            r = await client.get(url)
            assert r.status_code == 400, (url, r.text)
            assert r.headers["content-type"] == "application/problem+json"
        assert (await client.get("/healthz?x=%20")).status_code == 200
