"""The municipality read model, filled from the gateway's events as they arrive over JSON."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import MetaData

from servicekit.db import Database
from servicekit.events.envelope import CloudEvent, make_event
from servicekit.problems import ProblemError
from servicekit.tenants import Tenants


async def test_events_with_string_ids_fill_the_read_model(fresh_database_url):
    tenants = Tenants(MetaData())
    db = Database(fresh_database_url)
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(tenants.table.metadata.create_all)
        municipality_id = str(uuid.uuid4())
        data = {
            "id": municipality_id,
            "slug": "musterstadt",
            "name": "Musterstadt",
            "regional_key": "091620000000",
            "federal_state": "BY",
            "active": True,
        }
        registered = make_event("gateway", "platform.municipality.registered", data)
        # As a consumer sees it: parsed from the JSON on the wire.
        wire = CloudEvent.model_validate(json.loads(registered.model_dump_json()))
        async with db.transaction() as session:
            await tenants.apply(session, wire)
        async with db.sessions() as session:
            await tenants.require(session, "musterstadt")
        retired = wire.model_copy(
            update={"data": data | {"active": False}, "time": wire.time + timedelta(seconds=1)}
        )
        stale = wire.model_copy(update={"time": wire.time - timedelta(seconds=1)})
        async with db.transaction() as session:
            await tenants.apply(session, retired)
            await tenants.apply(session, stale)  # older: ignored
        async with db.sessions() as session:
            with pytest.raises(ProblemError) as refused:
                await tenants.require(session, "musterstadt")
        assert refused.value.status == 422
    finally:
        await db.dispose()
