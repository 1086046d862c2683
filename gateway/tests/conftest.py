from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import pytest_asyncio
import uvicorn
import yaml

from gateway.database import Base
from gateway.main import create_app
from gateway.settings import Settings
from servicekit.testing.apps import migrate
from servicekit.testing.nats import free_port, wait_for_port

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from oidc_issuer import Issuer  # noqa: E402

MIGRATIONS = "gateway:migrations"
DEV_SECRET = "dev-secret-for-tests-at-least-32-bytes-long"
ORIGIN = "https://app.example"


@pytest.fixture(scope="module")
def migrated_url(database_url: str) -> str:
    migrate(MIGRATIONS, database_url)
    return database_url


@pytest.fixture(scope="session")
def upstream(internal_keypair) -> Iterator[str]:
    """The echo service as a real process."""
    port = free_port()
    env = {**os.environ, "UPSTREAM_PUBLIC_KEY": internal_keypair[1]}
    process = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "--factory", "upstream_app:create_app",
            "--app-dir", str(HERE), "--port", str(port), "--log-level", "warning",
        ],
        env=env,
    )  # fmt: skip
    try:
        wait_for_port(port, timeout=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def issuer() -> Iterator[Issuer]:
    server = Issuer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def dead_url() -> str:
    """An address where nothing listens."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="module")
def routes_file(tmp_path_factory, dead_url) -> Path:
    path = tmp_path_factory.mktemp("routes") / "routes.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "upstreams": {"dead": dead_url},
                "routes": [
                    {"prefix": "/api/v1/portfolio", "upstream": "usecase", "rate_class": "tight"},
                    {"prefix": "/api/v1/usecase-settings", "upstream": "usecase", "timeout": 0.5},
                    {
                        "prefix": "/api/v1/distributions",
                        "upstream": "catalog",
                        "max_body_bytes": 1000,
                    },
                    {"prefix": "/api/v1/surveys", "upstream": "dead"},
                ],
            }
        )
    )
    return path


@pytest.fixture(scope="module")
def settings(
    migrated_url, nats_server, internal_keypair, upstream, issuer, routes_file
) -> Settings:
    return Settings(
        database_url=migrated_url,
        nats_url=nats_server.url,
        internal_token_private_key=internal_keypair[0],
        dev_auth=True,
        dev_auth_secret=DEV_SECRET,
        usecase_url=upstream,
        catalog_url=upstream,
        participation_url=upstream,
        routes_file=routes_file,
        oidc_issuer=issuer.url,
        oidc_audience=["smartgov-gateway"],
        oidc_jwks_refetch_cooldown_seconds=1.0,
        oidc_leeway_seconds=5,
        cors_origins=[ORIGIN],
        rate_limits={
            "default": {"anonymous": (1000.0, 1000.0), "authenticated": (1000.0, 1000.0)},
            "tight": {"anonymous": (0.01, 3.0), "authenticated": (0.01, 3.0)},
        },
        breaker_failures=3,
        breaker_open_seconds=30,
        openapi_refresh_seconds=0,
        last_used_flush_seconds=0.1,
    )


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


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def gateway(settings) -> AsyncIterator[str]:
    async with serve(settings) as url:
        yield url


@pytest_asyncio.fixture(loop_scope="session")
async def client(gateway) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=gateway, timeout=10) as c:
        yield c


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


__all__ = ["Base"]
