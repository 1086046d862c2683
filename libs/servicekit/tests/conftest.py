from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
import pytest

from kit_helpers import create_schema
from sampleapp import make_app
from servicekit.testing.plugin import running


@pytest.fixture
def sample_client(
    fresh_database_url: str, internal_keypair: tuple[str, str]
) -> Callable[..., object]:
    """`async with sample_client(nats_url) as (app, client): ...`"""

    @asynccontextmanager
    async def make(
        nats_url: str, **kwargs: object
    ) -> AsyncIterator[tuple[object, httpx.AsyncClient]]:
        await create_schema(fresh_database_url)
        app = make_app(fresh_database_url, nats_url, internal_keypair[1], **kwargs)
        async with running(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://sample") as client:
                yield app, client

    return make
