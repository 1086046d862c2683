from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
import yaml

from gateway.database import Base
from gateway.settings import Settings
from servicekit.testing.apps import migrate
from servicekit.testing.nats import free_port, wait_for_port

HERE = Path(__file__).parent
sys.path.append(str(HERE))

from flaky_upstream import FlakyUpstream  # noqa: E402
from gateway_testkit import DEV_SECRET, ORIGIN, serve  # noqa: E402
from oidc_issuer import Issuer  # noqa: E402

MIGRATIONS = "gateway:migrations"


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


@pytest.fixture(scope="session")
def flaky() -> Iterator[FlakyUpstream]:
    server = FlakyUpstream()
    yield server
    server.close()


@pytest.fixture(scope="module")
def routes_file(tmp_path_factory, dead_url, flaky) -> Path:
    path = tmp_path_factory.mktemp("routes") / "routes.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "upstreams": {"dead": dead_url, "flaky": flaky.url},
                "routes": [
                    {"prefix": "/api/v1/portfolio", "upstream": "usecase", "rate_class": "tight"},
                    {"prefix": "/api/v1/usecase-settings", "upstream": "usecase", "timeout": 0.5},
                    {
                        "prefix": "/api/v1/distributions",
                        "upstream": "catalog",
                        "max_body_bytes": 1000,
                    },
                    {"prefix": "/api/v1/surveys", "upstream": "dead"},
                    {"prefix": "/api/v1/participants", "upstream": "flaky", "write": "anonymous"},
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


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def gateway(settings) -> AsyncIterator[str]:
    async with serve(settings) as url:
        yield url


@pytest_asyncio.fixture(loop_scope="session")
async def client(gateway) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=gateway, timeout=10) as c:
        yield c


__all__ = ["Base"]
