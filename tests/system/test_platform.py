"""What the foundation promises as a whole: the platform starts like `smartgov up`, every
process answers health, readiness, metrics and problem+json, tokens and migrations work."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import jwt
import pytest
from harness.platform import ALL_COMPONENTS, RunningPlatform, fresh_databases

from smartgov_cli.components import BY_NAME
from smartgov_cli.devtokens import DEV_AUDIENCE, DEV_ISSUER, dev_token
from smartgov_cli.platform import free_ports

SMARTGOV = [sys.executable, "-m", "smartgov_cli.main"]


@pytest.mark.parametrize("name", ALL_COMPONENTS)
def test_every_component_is_alive_ready_and_measured(platform: RunningPlatform, name: str):
    base = platform.url(name)
    assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{base}/readyz")
    assert ready.status_code == 200
    checks = ready.json()["checks"]
    assert {"database", "nats"} <= checks.keys()  # the gateway adds its upstreams
    assert set(checks.values()) == {"ok"}
    metrics = httpx.get(f"{base}/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    assert "# TYPE" in metrics.text


@pytest.mark.parametrize("name", ALL_COMPONENTS)
def test_unknown_route_is_problem_json_on_every_port(platform: RunningPlatform, name: str):
    response = httpx.get(f"{platform.url(name)}/api/v1/no-such-thing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404
    assert body["instance"] == "/api/v1/no-such-thing-here"
    assert {"type", "title", "detail"} <= body.keys()


@pytest.mark.parametrize("name", ALL_COMPONENTS)
def test_wrong_method_is_problem_json(platform: RunningPlatform, name: str):
    response = httpx.delete(f"{platform.url(name)}/healthz")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"


def test_smartgov_token_prints_a_dev_token_signed_with_the_platform_secret(
    platform: RunningPlatform,
):
    env = {**os.environ, "SMARTGOV_DATA_DIR": str(platform.data_dir)}
    env.pop("GATEWAY_DEV_AUTH_SECRET", None)
    result = subprocess.run(
        [*SMARTGOV, "token", "--role", "editor", "--municipality", "musterstadt"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    token = result.stdout.strip()
    assert token.count(".") == 2
    claims = jwt.decode(
        token, platform.dev_secret, algorithms=["HS256"], audience=DEV_AUDIENCE, issuer=DEV_ISSUER
    )
    assert claims["municipalities"] == {"musterstadt": ["editor"]}
    assert claims["exp"] > claims["iat"]


def test_smartgov_token_refuses_a_role_without_its_municipality(platform: RunningPlatform):
    env = {**os.environ, "SMARTGOV_DATA_DIR": str(platform.data_dir)}
    result = subprocess.run(
        [*SMARTGOV, "token", "--role", "editor"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "needs --municipality" in result.stderr
    assert result.stdout == ""


def test_gateway_accepts_the_token_smartgov_prints(platform: RunningPlatform):
    """A platform admin's token from `smartgov token` registers a municipality through the
    gateway; the same claims signed with another secret are refused with 401 problem+json."""
    env = {**os.environ, "SMARTGOV_DATA_DIR": str(platform.data_dir)}
    env.pop("GATEWAY_DEV_AUTH_SECRET", None)
    token = subprocess.run(
        [*SMARTGOV, "token", "--role", "platform_admin"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    slug = f"testort-{uuid.uuid4().hex[:8]}"
    body = {
        "slug": slug,
        "name": "Testort",
        "regional_key": f"09{uuid.uuid4().int % 10**10:010d}",
        "federal_state": "BY",
    }
    forged = dev_token("another-secret-" + "x" * 40, role="platform_admin")
    refused = httpx.post(
        f"{platform.gateway_url}/api/v1/municipalities",
        json=body,
        headers={"Authorization": f"Bearer {forged}"},
    )
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    accepted = httpx.post(
        f"{platform.gateway_url}/api/v1/municipalities",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert accepted.status_code == 201, accepted.text
    assert httpx.get(f"{platform.gateway_url}/api/v1/municipalities/{slug}").status_code == 200


def _alembic_heads(database_url: str) -> set[str]:
    import asyncio

    from sqlalchemy import text

    from servicekit.db import Database

    async def read() -> set[str]:
        db = Database(database_url)
        try:
            async with db.sessions() as session:
                rows = await session.execute(text("SELECT version_num FROM alembic_version"))
                return {row[0] for row in rows}
        finally:
            await db.dispose()

    return asyncio.run(read())


def test_smartgov_migrate_is_idempotent(platform: RunningPlatform):
    """The platform's databases were migrated at start-up; `smartgov migrate` again is a
    no-op that succeeds and leaves each database at its one head."""
    heads_before = {name: _alembic_heads(url) for name, url in platform.database_urls.items()}
    env = {**os.environ, "SMARTGOV_DATA_DIR": str(platform.data_dir)}
    for name, url in platform.database_urls.items():
        env[f"{BY_NAME[name].env_prefix}_DATABASE_URL"] = url
    output = subprocess.run(
        [*SMARTGOV, "migrate"], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert output.splitlines() == [f"{name}: migrated" for name in ALL_COMPONENTS]
    heads_after = {name: _alembic_heads(url) for name, url in platform.database_urls.items()}
    assert heads_after == heads_before
    assert all(len(heads) == 1 for heads in heads_after.values())


@pytest.mark.db
def test_smartgov_up_starts_in_order_serves_and_stops_cleanly(tmp_path: Path):
    """The real command: NATS, then migrations, then the processes; SIGTERM stops all."""
    ports = free_ports()
    with fresh_databases(tmp_path) as urls:
        env = {**os.environ, "SMARTGOV_DATA_DIR": str(tmp_path / "data")}
        for name, url in urls.items():
            component = BY_NAME[name]
            env[f"{component.env_prefix}_DATABASE_URL"] = url
            env[f"{component.env_prefix}_PORT"] = str(ports[name])
        env.pop("SMARTGOV_NATS_URL", None)
        env.pop("SMARTGOV_NATS_PORT", None)
        up = subprocess.Popen(
            [*SMARTGOV, "up", "--no-demo"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines: list[str] = []
        try:
            assert up.stdout is not None
            for line in up.stdout:
                lines.append(line.rstrip())
                if line.startswith("Ctrl-C stops everything"):
                    break
            gateway = f"http://127.0.0.1:{ports['gateway']}"
            assert f"  API gateway   {gateway}" in lines, lines
            for name in ALL_COMPONENTS:
                ready = httpx.get(f"http://127.0.0.1:{ports[name]}/readyz", timeout=5)
                assert ready.status_code == 200, (name, ready.text)
        finally:
            up.terminate()
            rest, _ = up.communicate(timeout=60)
        lines += rest.splitlines()
    assert up.returncode == 0, lines
    steps = [line.split()[0] for line in lines if line.split()]
    assert steps.index("nats") < steps.index("migrations") < steps.index("SmartGov")
    assert lines[-1] == "stopped."
    for name in ALL_COMPONENTS:
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://127.0.0.1:{ports[name]}/healthz", timeout=2)
