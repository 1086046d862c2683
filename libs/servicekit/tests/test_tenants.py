"""The municipality read model applies the gateway's events as they arrive over NATS
(JSON: the id is a string), on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import MetaData

from servicekit.db import Database
from servicekit.events.envelope import CloudEvent, make_event
from servicekit.problems import ProblemError
from servicekit.tenants import REGISTERED, UPDATED, Tenants

pytestmark = pytest.mark.db


def as_received(event: CloudEvent) -> CloudEvent:
    return CloudEvent.model_validate_json(event.model_dump_json())


async def test_registered_then_updated_event_from_the_wire(fresh_database_url: str):
    metadata = MetaData()
    tenants = Tenants(metadata)
    db = Database(fresh_database_url)
    try:
        async with db.engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        municipality_id = str(uuid.uuid4())
        data = {"id": municipality_id, "slug": "musterstadt", "name": "Musterstadt"}
        async with db.transaction() as session:
            await tenants.apply(session, as_received(make_event("gateway", REGISTERED, data)))
        async with db.sessions() as session:
            await tenants.require(session, "musterstadt")
        inactive = make_event("gateway", UPDATED, data | {"active": False})
        async with db.transaction() as session:
            await tenants.apply(session, as_received(inactive))
        async with db.sessions() as session:
            with pytest.raises(ProblemError):
                await tenants.require(session, "musterstadt")
    finally:
        await db.dispose()
