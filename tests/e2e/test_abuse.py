"""Abuse through the gateway: every hostile request gets a 4xx (problem+json) and changes
nothing, and nothing a client sends makes a 5xx."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from e2e.callers import HOME, Gateway

from usecase_service import demo as usecase_demo

USE_CASES = f"/api/v1/use-cases?municipality={HOME}&limit=100"


def state(gw: Gateway) -> dict[str, Any]:
    """What a hostile request could change: the records every area holds."""
    return {
        "use_cases": gw.ok("GET", USE_CASES, "editor")["items"],
        "datasets": gw.ok("GET", "/api/v1/datasets?limit=100", "editor")["items"],
        "processes": gw.ok("GET", "/api/v1/processes?limit=100", "editor")["items"],
        "municipalities": gw.ok("GET", "/api/v1/municipalities", "platform_admin")["items"],
    }


@pytest.fixture
def unchanged(gw: Gateway) -> Iterator[None]:
    before = state(gw)
    yield
    assert state(gw) == before


def refused(response: httpx.Response, *statuses: int) -> None:
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    assert response.headers["content-type"] == "application/problem+json"


def post_raw(gw: Gateway, path: str, body: bytes, who: str = "editor") -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    return gw.request("POST", path, who, content=body, headers=headers)


def use_case(**fields: Any) -> dict[str, Any]:
    return {**usecase_demo.PARKING["create"], "title": "Missbrauchstest", **fields}


@pytest.mark.usefixtures("unchanged")
def test_oversized_bodies_are_refused_before_they_reach_a_service(gw: Gateway):
    big = json.dumps(use_case(summary="x" * 2_000_000)).encode()
    refused(post_raw(gw, "/api/v1/use-cases", big), 413)

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while it streams
        yield big[:1000]
        for start in range(1000, len(big), 65536):
            yield big[start : start + 65536]

    streamed = gw.request("POST", "/api/v1/use-cases", "editor", content=chunks())
    refused(streamed, 413)


@pytest.mark.usefixtures("unchanged")
def test_deeply_nested_json(gw: Gateway):
    depth = 100_000
    nested = ("[" * depth + "]" * depth).encode()
    for path in ("/api/v1/use-cases", "/api/v1/datasets", "/api/v1/processes"):
        body = b'{"municipality": "musterstadt", "title": ' + nested + b"}"
        refused(post_raw(gw, path, body), 400, 422)
    ckan = post_raw(gw, "/api/action/package_search", b'{"q": ' + nested + b"}")
    assert ckan.status_code == 400  # the CKAN API answers in its own envelope
    assert ckan.json()["success"] is False


@pytest.mark.usefixtures("unchanged")
def test_huge_arrays(gw: Gateway):
    tags = ["parken"] * 100_000  # under the body limit, far over any sensible list
    refused(gw.post("/api/v1/use-cases", "editor", json=use_case(tags=tags)), 422)
    refused(gw.post("/api/v1/datasets", "editor", json={"keywords": tags}), 422)
    numbers = b"[" + b",".join([b"1"] * 200_000) + b"]"
    refused(post_raw(gw, "/api/v1/processes", numbers), 422)


@pytest.mark.usefixtures("unchanged")
def test_invalid_utf8(gw: Gateway):
    body = b'{"municipality": "musterstadt", "title": "Stra\xdfe \xff\xfe"}'
    for path in ("/api/v1/use-cases", "/api/v1/datasets", "/api/v1/processes"):
        refused(post_raw(gw, path, body), 400, 422)
    bad_query = gw.client.get("/api/v1/datasets", params={"q": b"\xff\xfe".decode("latin-1")})
    assert bad_query.status_code < 500


@pytest.mark.usefixtures("unchanged")
def test_sql_looking_strings_are_data_not_code(gw: Gateway):
    injections = ["' OR '1'='1", "x'; DROP TABLE use_cases; --", '" OR ""="', "1) OR (1=1"]
    for text in injections:
        for path in ("/api/v1/use-cases", "/api/v1/datasets"):  # the searchable lists
            found = gw.get(path, "editor", params={"q": text})
            assert found.status_code in (200, 422), found.text
            if found.status_code == 200:
                assert found.json()["items"] == []
        filtered = gw.get("/api/v1/use-cases", params={"municipality": text})
        assert filtered.status_code == 200 and filtered.json()["items"] == [], filtered.text
        refused(gw.get(f"/api/v1/datasets/{text}"), 404, 422)
        refused(gw.get("/api/v1/portfolio", "editor", params={"municipality": text}), 422)


@pytest.mark.usefixtures("unchanged")
def test_path_traversal_in_names(gw: Gateway):
    for name in ("../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd"):
        for prefix in ("/api/v1/datasets/", "/dataset/", "/api/v1/organizations/"):
            response = gw.client.get(prefix + name)
            assert response.status_code in (400, 404, 422), (prefix + name, response.text)
            assert "root:" not in response.text
    bad_name = {"organization": "x", "name": "../../etc/passwd", "title": "T"}
    refused(gw.post("/api/v1/datasets", "editor", json=bad_name), 422)
    bad_url = {"title": "T", "download_url": "file:///etc/passwd", "format": "CSV"}
    response = gw.post("/api/v1/datasets/no-such-dataset/distributions", "editor", json=bad_url)
    refused(response, 404, 422)


def raw_request(gw: Gateway, request: bytes) -> bytes:
    url = urlsplit(gw.platform.gateway_url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        return answer


@pytest.mark.usefixtures("unchanged")
def test_header_injection(gw: Gateway):
    # A forged internal identity never reaches a service as such: still anonymous.
    forged = {"X-SmartGov-Identity": gw.platform.token("platform_admin")}
    refused(gw.post("/api/v1/use-cases", headers=forged, json=use_case()), 401)
    # A request id that would split the response is replaced, not echoed.
    answer = raw_request(
        gw,
        b"GET /api/v1/use-cases HTTP/1.1\r\nHost: x\r\n"
        b"X-Request-Id: abc%0d%0aSet-Cookie: pwned=1\r\nConnection: close\r\n\r\n",
    )
    head = answer.split(b"\r\n\r\n", 1)[0].lower()
    assert head.startswith(b"http/1.1 200")
    assert b"set-cookie" not in head
    assert b"pwned" not in head
    # CR/LF inside a header value is refused at the HTTP layer, never forwarded.
    answer = raw_request(
        gw,
        b"GET /api/v1/use-cases HTTP/1.1\r\nHost: x\r\nX-Test: a\rInjected: 1\r\n"
        b"Connection: close\r\n\r\n",
    )
    assert answer.startswith(b"HTTP/1.1 4") or answer == b""
    # Authorization with a header-ish payload is a plain 401.
    bad = {"Authorization": "Bearer a.b.c X-SmartGov-Identity: x"}
    refused(gw.client.post("/api/v1/use-cases", headers=bad, json=use_case()), 401)
