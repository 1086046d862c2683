"""Nothing a client sends gets a 500: malformed bodies on every write endpoint."""

from __future__ import annotations

import pytest

BODIES = [
    b"{not json",
    b"[]",
    b"null",
    b'"text"',
    b'{"title": {"nested": 1}, "municipality": 5}',
    b'{"items": "x", "as_is": 7, "line_items": {}, "criteria": [1], "to": 3}',
    b'{"base_year": 1e400, "horizon_years": -1}',
    b'{"weight": NaN}',
    '{"title": "\\u0000\u00e4\ud800"}'.encode("utf-8", "surrogatepass"),
]


@pytest.fixture(scope="module")
async def target(client, identity):
    from usecase_service import demo

    editor = identity("editor", "musterstadt")
    r = await client.post("/api/v1/use-cases", json={**demo.PARKING["create"]}, headers=editor)
    assert r.status_code == 201
    return r.json()["id"]


async def test_malformed_bodies_are_4xx_problems(client, identity, target):
    editor = identity("admin", "musterstadt")
    base = f"/api/v1/use-cases/{target}"
    endpoints = [
        ("POST", "/api/v1/use-cases"),
        ("PATCH", base),
        *[
            ("PUT", f"{base}/{step}")
            for step in ("problem", "process", "benefits", "requirements", "services", "assessment")
        ],
        ("POST", f"{base}/data-requirements"),
        ("POST", f"{base}/transitions"),
        ("POST", f"{base}/adopt"),
        ("PUT", f"{base}/process/as_is/bpmn"),
        ("PUT", "/api/v1/usecase-settings/musterstadt"),
    ]
    for method, url in endpoints:
        for body in BODIES:
            response = await client.request(
                method, url, content=body, headers={**editor, "Content-Type": "application/json"}
            )
            assert 400 <= response.status_code < 500, (method, url, body, response.text)
            assert response.headers["content-type"] == "application/problem+json"
    after = (await client.get(base, headers=editor)).json()
    assert after["version"] == 1
