"""A database that cannot be reached gives 503 problem+json (retry later), not 500."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc

from sampleapp import make_app
from servicekit.problems import dependency_unavailable
from servicekit.testing.apps import service_client
from servicekit.testing.nats import NatsServer


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (sa_exc.DBAPIError(None, None, OSError("connection refused")), True),  # on connect
        (sa_exc.DBAPIError("SELECT 1", {}, Exception("lost"), connection_invalidated=True), True),
        (sa_exc.TimeoutError("QueuePool limit reached"), True),
        (sa_exc.OperationalError("SELECT 1", {}, Exception("server closed")), True),
        (ConnectionRefusedError(), True),
        (sa_exc.DBAPIError("SELECT nope", {}, Exception("syntax error")), False),
        (sa_exc.IntegrityError("INSERT", {}, Exception("duplicate key")), False),
        (ValueError("a bug"), False),
        (None, False),
    ],
)
def test_database_unavailable_tells_outages_from_bugs(error, unavailable):
    assert dependency_unavailable(error) is unavailable


async def test_request_against_an_unreachable_database_is_503_problem(
    tmp_path: Path, nats_server: NatsServer, internal_keypair: tuple[str, str]
):
    directory = tmp_path / "not-a-database-file"
    directory.mkdir()  # SQLite cannot open a directory as its file
    url = f"sqlite+aiosqlite:///{directory.as_posix()}"
    app = make_app(url, nats_server.url, internal_keypair[1])
    async with service_client(app) as client:
        response = await client.get("/api/v1/notes")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) > 0
