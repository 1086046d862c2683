"""pytest plugin: real nats-server and fresh databases for every service's tests.

Loaded with `-p servicekit.testing.plugin`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from servicekit.identity import (
    InternalTokenSigner,
    Principal,
    PrincipalKind,
    Role,
    generate_keypair,
)
from servicekit.testing.apps import running
from servicekit.testing.databases import POSTGRES_ENV, fresh_database, selected_backend
from servicekit.testing.nats import NatsServer

# A test process starts hundreds of apps: freezing the heap at each startup would keep every
# earlier test's cyclic garbage for good.
os.environ.setdefault("SMARTGOV_GC_SETTLE", "false")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "database_url" in names or "fresh_database_url" in names:
            item.add_marker(pytest.mark.db)


def _require_postgres() -> None:
    if selected_backend() != "postgres":
        return
    if not os.environ.get(POSTGRES_ENV):
        message = f"SMARTGOV_TEST_DB=postgres but {POSTGRES_ENV} is not set"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsServer]:
    """One nats-server for the session. Tests that stop it use `private_nats_server`."""
    server = NatsServer(tmp_path_factory.mktemp("nats"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def private_nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    """A nats-server of this test alone, to stop, kill and restart."""
    server = NatsServer(tmp_path / "nats", log_file=tmp_path / "nats.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database for the test module (SQLite file or PostgreSQL database)."""
    _require_postgres()
    try:
        with fresh_database(tmp_path_factory.mktemp("db")) as url:
            yield url
    except OSError as exc:  # PostgreSQL not reachable
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL not reachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """Like `database_url`, but new for each test."""
    _require_postgres()
    with fresh_database(tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def internal_keypair() -> tuple[str, str]:
    """(private PEM, public PEM) of a test gateway."""
    return generate_keypair()


@pytest.fixture(scope="session")
def internal_signer(internal_keypair: tuple[str, str]) -> InternalTokenSigner:
    return InternalTokenSigner(internal_keypair[0])


IdentityFactory = Callable[..., dict[str, str]]


@pytest.fixture(scope="session")
def identity(internal_signer: InternalTokenSigner) -> IdentityFactory:
    """Headers as the gateway would forward them, e.g.
    `identity("editor", "musterstadt")`, `identity("platform_admin")`, `identity()` for anonymous,
    `identity("participant", sub="alice")`."""

    def make(
        role: str | None = None,
        municipality: str | None = None,
        *,
        sub: str | None = None,
        kind: PrincipalKind = PrincipalKind.USER,
        scopes: frozenset[str] = frozenset(),
    ) -> dict[str, str]:
        if role is None:
            return {}
        memberships = {}
        if municipality and role not in ("participant", "platform_admin"):
            memberships = {municipality: frozenset({Role(role)})}
        principal = Principal(
            kind=kind,
            subject=sub or f"{role}-{municipality or 'platform'}",
            name=sub or role,
            platform_admin=role == "platform_admin",
            memberships=memberships,
            scopes=scopes,
        )
        return {"X-SmartGov-Identity": internal_signer.sign(principal)}

    return make


__all__ = ["running"]
