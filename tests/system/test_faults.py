"""Faults the platform survives without a restart: the broker gone and back, a process
killed and started again, a database unreachable for a while, an upstream that hangs."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid

import httpx
import pytest
from harness.hanging import hanging_server
from harness.platform import ALL_COMPONENTS, SERVICES, RunningPlatform
from harness.polling import eventually
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from servicekit.testing.databases import POSTGRES_ENV, selected_backend


def _not_ready_because_of(platform: RunningPlatform, name: str, dependency: str) -> bool:
    response = httpx.get(f"{platform.url(name)}/readyz", timeout=5)
    return (
        response.status_code == 503
        and response.headers["content-type"] == "application/problem+json"
        and response.json().get("checks", {}).get(dependency, "ok") != "ok"
    )


def test_nats_killed_and_restarted_every_component_recovers_without_restart(
    platform: RunningPlatform,
):
    pids = {name: platform.platform.children[name].pid for name in ALL_COMPONENTS}
    platform.nats.stop(kill=True)
    for name in ALL_COMPONENTS:
        eventually(lambda name=name: _not_ready_because_of(platform, name, "nats"))
        assert httpx.get(f"{platform.url(name)}/healthz").status_code == 200  # alive, not ready
    platform.nats.start()
    eventually(lambda: set(platform.readiness().values()) == {200})
    assert {name: platform.platform.children[name].pid for name in ALL_COMPONENTS} == pids
    assert all(child.poll() is None for child in platform.platform.children.values())


@pytest.mark.parametrize("victim", ALL_COMPONENTS)
def test_component_sigkilled_and_restarted_recovers_and_others_stay_ready(
    platform: RunningPlatform, victim: str
):
    assert platform.kill(victim) == -9
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{platform.url(victim)}/healthz", timeout=2)
    statuses = platform.readiness()
    services = {name: statuses[name] for name in SERVICES if name != victim}
    assert set(services.values()) <= {200}
    if victim != "gateway":
        # the gateway's own dependencies are fine; its full readiness names the missing one
        assert httpx.get(f"{platform.gateway_url}/readyz?self", timeout=5).status_code == 200
        eventually(lambda: _not_ready_because_of(platform, "gateway", victim))
    platform.start(victim)
    assert set(platform.readiness().values()) == {200}


async def _allow_connections(admin_url: str, database: str, allow: bool) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            flag = "true" if allow else "false"
            await conn.execute(text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {flag}'))
            if not allow:
                await conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": database},
                )
    finally:
        await engine.dispose()


@pytest.mark.parametrize("victim", SERVICES)
def test_database_of_one_service_unavailable_then_back(platform: RunningPlatform, victim: str):
    """The service says 503 problem+json while its database is gone, the others stay ready,
    and it recovers by itself when the database is back."""
    if selected_backend() != "postgres":
        pytest.skip("a SQLite file cannot be taken away from open connections; PostgreSQL only")
    admin_url = os.environ[POSTGRES_ENV]
    database = make_url(platform.database_urls[victim]).database
    assert database is not None
    pid = platform.platform.children[victim].pid
    asyncio.run(_allow_connections(admin_url, database, allow=False))
    try:
        eventually(lambda: _not_ready_because_of(platform, victim, "database"))
        api = _post_touching_the_database(platform, victim)
        assert api.status_code == 503
        assert api.headers["content-type"] == "application/problem+json"
        assert "Retry-After" in api.headers
        statuses = platform.readiness()
        assert {statuses[n] for n in SERVICES if n != victim} == {200}
    finally:
        asyncio.run(_allow_connections(admin_url, database, allow=True))
    eventually(lambda: platform.readiness()[victim] == 200)
    assert _post_touching_the_database(platform, victim).status_code < 500
    assert platform.platform.children[victim].pid == pid


def _post_touching_the_database(platform: RunningPlatform, name: str) -> httpx.Response:
    """A POST with an Idempotency-Key: its key is claimed in the database before routing.
    (Domain routes replace this once the services have them.)"""
    return httpx.post(
        f"{platform.url(name)}/api/v1/probe-the-database",
        json={},
        headers={"Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    )


def test_gateway_facing_a_hanging_upstream_times_out_then_opens_the_breaker(
    platform: RunningPlatform,
):
    """The catalog upstream hangs: its routes answer 504 problem+json after the gateway's
    timeout, then, after the breaker's threshold, 503 problem+json at once with Retry-After;
    routes of the other services keep answering. The gateway is restarted with the hanging
    upstream and restored afterwards."""
    settings = {
        "GATEWAY_UPSTREAM_TIMEOUT_SECONDS": "0.5",
        "GATEWAY_BREAKER_FAILURES": "2",
        "GATEWAY_BREAKER_OPEN_SECONDS": "60",
    }
    overrides = platform.platform.env_overrides
    saved = dict(overrides)
    with hanging_server() as hanging_url:
        overrides.update(settings, GATEWAY_CATALOG_URL=hanging_url)
        try:
            platform.kill("gateway", signal.SIGTERM)
            platform.platform.start_child("gateway")
            gateway = platform.gateway_url
            # its full readiness probes the hanging upstream; its own must be fine
            eventually(lambda: _own_readiness(gateway) == 200, timeout=90)
            statuses = []
            for _ in range(2):
                response = httpx.get(f"{gateway}/api/v1/datasets", timeout=10)
                assert response.headers["content-type"] == "application/problem+json"
                statuses.append(response.status_code)
            assert statuses == [504, 504]
            opened = httpx.get(f"{gateway}/api/v1/datasets", timeout=10)
            assert opened.status_code == 503
            assert opened.headers["content-type"] == "application/problem+json"
            assert int(opened.headers["Retry-After"]) > 0
            other = httpx.get(f"{gateway}/api/v1/use-cases", timeout=10)
            assert other.status_code == 200, other.text
        finally:
            overrides.clear()
            overrides.update(saved)
            platform.restart("gateway", signal.SIGTERM)
    assert httpx.get(f"{platform.gateway_url}/api/v1/datasets", timeout=10).status_code == 200


def _own_readiness(gateway: str) -> int:
    try:
        return httpx.get(f"{gateway}/readyz?self", timeout=5).status_code
    except httpx.HTTPError:
        return 0


def test_hanging_server_really_hangs():
    """The tool of the placeholder above: a request to it times out, it never answers."""
    with hanging_server() as url, pytest.raises(httpx.ReadTimeout):
        httpx.get(f"{url}/api/v1/datasets", timeout=httpx.Timeout(5, read=0.5))
