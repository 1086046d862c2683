"""/readyz follows the database: 503 while it is unreachable, 200 again afterwards."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from kit_helpers import create_schema, eventually
from sampleapp import make_app
from servicekit.testing.apps import service_client
from servicekit.testing.databases import selected_backend
from servicekit.testing.faults import CuttableProxy


@pytest.mark.skipif(
    selected_backend() != "postgres",
    reason="a SQLite file lives inside the process; the database-down case needs a server",
)
async def test_readyz_turns_503_when_database_is_down_and_recovers(
    fresh_database_url, nats_server, internal_keypair
):
    await create_schema(fresh_database_url)
    url = make_url(fresh_database_url)
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = make_app(proxied, nats_server.url, internal_keypair[1])
    async with service_client(app) as client:
        await app.state.runtime.bus.wait_connected(10)
        assert (await client.get("/readyz")).status_code == 200
        await proxy.cut()

        async def down():
            r = await client.get("/readyz")
            return r.status_code == 503 and "database" in r.json()["checks"]

        await eventually(down, timeout=15)
        listing = await client.get("/api/v1/notes")
        assert listing.status_code == 503
        assert listing.headers["content-type"] == "application/problem+json"
        assert listing.headers["retry-after"]
        await proxy.restore()

        async def up():
            return (await client.get("/readyz")).status_code == 200

        await eventually(up, timeout=30)
        assert (await client.get("/api/v1/notes")).status_code == 200
    await proxy.cut()
