"""System tests: the real platform as child processes (nats-server, four components) on free
ports, with fresh SQLite or PostgreSQL databases (SMARTGOV_TEST_DB)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness.kitpair import ROLES, KitPair
from harness.platform import RunningPlatform, fresh_databases_for, running_platform

from servicekit.testing.databases import POSTGRES_ENV, selected_backend
from servicekit.testing.nats import NatsServer

SYSTEM_FIXTURES = {"platform", "private_platform", "kitpair"}
HERE = Path(__file__).parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "system: runs real platform processes (tests/)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """System tests use databases, so they run again in the PostgreSQL pass (`-m db`)."""
    for item in items:
        if SYSTEM_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.system)
            item.add_marker(pytest.mark.db)


def require_backend() -> None:
    if selected_backend() == "postgres" and not os.environ.get(POSTGRES_ENV):
        message = f"SMARTGOV_TEST_DB=postgres but {POSTGRES_ENV} is not set"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPlatform]:
    """The whole platform, shared by the session. A test that stops a part of it brings it
    back; `ensure_healthy` after each test makes sure of that."""
    require_backend()
    with running_platform(tmp_path_factory.mktemp("platform")) as running:
        yield running


@pytest.fixture(autouse=True)
def _platform_whole_again(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "platform" in request.fixturenames:
        request.getfixturevalue("platform").ensure_healthy()


@pytest.fixture
def private_platform(tmp_path: Path) -> Iterator[RunningPlatform]:
    """A platform of this test alone, for faults that would disturb the shared one."""
    require_backend()
    with running_platform(tmp_path / "platform") as running:
        yield running


@pytest.fixture(scope="module")
def kitpair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KitPair]:
    """The servicekit producer/consumer pair with a NATS of its own, shared by a module:
    tests hurt it and leave it whole; `KitPair.written` keeps what every test wrote."""
    require_backend()
    directory = tmp_path_factory.mktemp("kitpair")
    nats = NatsServer(directory / "nats", log_file=directory / "nats.log")
    nats.start()
    try:
        with fresh_databases_for(directory, ROLES) as urls:
            pair = KitPair(nats, urls, directory)
            try:
                pair.start(*ROLES)
                yield pair
            finally:
                pair.stop()
    finally:
        nats.stop()
