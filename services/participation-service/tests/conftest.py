from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from participation_service.database import Base, tenants
from participation_service.main import create_app
from participation_service.settings import Settings
from participation_service.usecases import service as usecases
from servicekit.events.envelope import make_event
from servicekit.testing.apps import migrate, service_client

MIGRATIONS = "participation_service:migrations"
MUN = "musterstadt"


@pytest.fixture(scope="module")
def migrated_url(database_url: str) -> str:
    migrate(MIGRATIONS, database_url)
    return database_url


@pytest.fixture
def settings(migrated_url: str, nats_server, internal_keypair) -> Settings:
    return Settings(
        database_url=migrated_url,
        nats_url=nats_server.url,
        internal_token_public_key=internal_keypair[1],
        pseudonym_secret="test-secret",
        writes_per_minute_participant=10_000,
        writes_per_minute_ip=100_000,
        supports_event_seconds=3600,
    )


@pytest.fixture
async def app(settings: Settings):
    return create_app(settings)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    async with service_client(app) as c:
        db = app.state.runtime.db
        async with db.transaction() as session:
            known = await session.scalar(
                tenants.table.select()
                .with_only_columns(tenants.table.c.slug)
                .where(tenants.table.c.slug == MUN)
            )
            if known is None:
                await tenants.seed_for_tests(session, MUN, "Musterstadt")
        yield c


def now() -> datetime:
    return datetime.now(UTC)


def phase(**overrides: Any) -> dict[str, Any]:
    base = {
        "kind": "problem_collection",
        "title": "Probleme sammeln",
        "starts_at": (now() - timedelta(days=1)).isoformat(),
        "ends_at": (now() + timedelta(days=1)).isoformat(),
        "contribution_types": ["idea", "problem"],
        "supports_enabled": True,
        "comments_enabled": True,
        "support_budget": None,
    }
    return base | overrides


async def publish_use_case(
    app,
    municipality: str = MUN,
    *,
    action: str = "published",
    use_case_id: uuid.UUID | None = None,
    version: int = 1,
    status: str = "published",
    visibility: str = "public",
) -> uuid.UUID:
    """The effect of a use-case event, through the same handler the consumer calls."""
    use_case_id = use_case_id or uuid.uuid4()
    event = make_event(
        "usecase-service",
        f"usecase.usecase.{action}",
        {
            "id": str(use_case_id),
            "municipality": municipality,
            "title": "Parken",
            "status": status,
            "visibility": visibility,
            "version": version,
        },
        entity_id=use_case_id,
        municipality=municipality,
    )
    async with app.state.runtime.db.transaction() as session:
        await usecases.apply(session, event)
    return use_case_id


MakeProcess = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def make_process(app, client, identity) -> MakeProcess:
    async def make(
        *, open_: bool = True, phases: list[dict[str, Any]] | None = None, **body: Any
    ) -> dict[str, Any]:
        use_case_id = await publish_use_case(app)
        payload = {
            "use_case_id": str(use_case_id),
            "title": "Parken in der Innenstadt",
            "categories": ["Verkehr", "Umwelt"],
            "phases": phases or [phase()],
        } | body
        editor = identity("editor", MUN)
        r = await client.post("/api/v1/processes", json=payload, headers=editor)
        assert r.status_code == 201, r.text
        process = r.json()
        if open_:
            r = await client.post(f"/api/v1/processes/{process['id']}/open", headers=editor)
            assert r.status_code == 200, r.text
            process = r.json()
        return process

    return make


@pytest.fixture
def participant(client, identity) -> Callable[..., Awaitable[dict[str, str]]]:
    """Headers of a participant with a declared stakeholder group."""

    async def make(sub: str | None = None, group: str = "citizen") -> dict[str, str]:
        headers = identity("participant", sub=sub or f"user-{uuid.uuid4().hex[:8]}")
        r = await client.put(
            "/api/v1/participants/me", json={"stakeholder_group": group}, headers=headers
        )
        assert r.status_code == 200, r.text
        return headers

    return make


async def contribute(
    client, process_id: str, headers: dict[str, str], **body: Any
) -> dict[str, Any]:
    payload = {
        "kind": "idea",
        "title": "Mehr Fahrradbügel",
        "body": "Am Bahnhof fehlen sie.",
    } | body
    r = await client.post(
        f"/api/v1/processes/{process_id}/contributions", json=payload, headers=headers
    )
    assert r.status_code == 201, r.text
    return r.json()


def is_problem(r: httpx.Response, status: int) -> bool:
    return r.status_code == status and r.headers["content-type"] == "application/problem+json"


__all__ = ["Base"]


@pytest.fixture
def h(app):
    """Helper functions (test modules cannot import this conftest by name)."""
    from types import SimpleNamespace

    async def use_case(**kwargs: Any) -> uuid.UUID:
        return await publish_use_case(app, **kwargs)

    return SimpleNamespace(
        phase=phase, contribute=contribute, is_problem=is_problem, use_case=use_case, now=now
    )
