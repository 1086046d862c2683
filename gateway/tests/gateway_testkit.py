"""Helpers shared by the gateway's tests (a module with a unique name, so it never shadows
another suite's `conftest`)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import jwt
import uvicorn

from gateway.main import create_app
from gateway.settings import Settings
from servicekit.testing.nats import free_port

DEV_SECRET = "dev-secret-for-tests-at-least-32-bytes-long"
ORIGIN = "https://app.example"


@asynccontextmanager
async def serve(settings: Settings) -> AsyncIterator[str]:
    """The gateway on a free port, in this process, over real HTTP."""
    port = free_port()
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        http="httptools",
        lifespan="on",
        proxy_headers=False,
    )
    server = uvicorn.Server(config)
    server.capture_signals = _no_signals  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + 20
    while not server.started:
        if task.done():
            task.result()
        if time.monotonic() > deadline:
            raise TimeoutError("gateway did not start")
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def _no_signals() -> Any:
    return _NoSignals()


class _NoSignals:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def dev_token(
    role: str, municipality: str | None = None, sub: str | None = None, **extra: Any
) -> str:
    now = int(time.time())
    claims = {
        "iss": "smartgov-dev",
        "aud": "smartgov-gateway",
        "sub": sub or f"dev-{role}-{municipality or 'platform'}",
        "name": f"Dev {role}",
        "iat": now,
        "exp": now + 600,
        "roles": ["platform_admin"] if role == "platform_admin" else [],
        "municipalities": (
            {municipality: [role]}
            if municipality and role not in ("participant", "platform_admin")
            else {}
        ),
    } | extra
    return jwt.encode(claims, DEV_SECRET, algorithm="HS256")


def auth(role: str, municipality: str | None = None, sub: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {dev_token(role, municipality, sub)}"}


async def register(
    client: httpx.AsyncClient, slug: str, regional_key: str, state: str = "BY"
) -> None:
    response = await client.post(
        "/api/v1/municipalities",
        json={
            "slug": slug,
            "name": slug.title(),
            "regional_key": regional_key,
            "federal_state": state,
        },
        headers=auth("platform_admin"),
    )
    assert response.status_code in (201, 409), response.text
