"""The pair's models, endpoints and event handler."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI
from pydantic import BaseModel, Field
from sqlalchemy import Float, String, Uuid, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.db import Database, UTCDateTime, make_metadata, utcnow
from servicekit.events import CloudEvent, Outbox
from servicekit.runtime import create_app as create_service_app
from servicekit.runtime import get_db
from servicekit.settings import ServiceSettings
from servicekit.tables import KitTables

SUBJECT = "catalog.probe.created"


class Base(DeclarativeBase):
    metadata = make_metadata()


kit = KitTables(Base.metadata)
outbox = Outbox(kit, "kitpair-producer", stream="catalog")


class Probe(Base):
    __tablename__ = "probes"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Effect(Base):
    """One row per applied event: no unique key, so a duplicate effect would be counted."""

    __tablename__ = "effects"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    probe_id: Mapped[str] = mapped_column(String(36), index=True)
    latency_ms: Mapped[float] = mapped_column(Float)


class Settings(ServiceSettings):
    role: Literal["producer", "consumer"] = Field(
        default="producer", validation_alias="KITPAIR_ROLE"
    )
    database_url: str = Field(default="", validation_alias="KITPAIR_DATABASE_URL")
    # Shorter than the kit's defaults (15 s lease, 30 s ack wait) so fault tests recover fast.
    lease_seconds: float | None = Field(default=None, validation_alias="KITPAIR_LEASE_SECONDS")
    ack_wait_seconds: float | None = Field(
        default=None, validation_alias="KITPAIR_ACK_WAIT_SECONDS"
    )


class ProbesIn(BaseModel):
    count: int = Field(default=1, ge=1, le=20_000)


class ProbesOut(BaseModel):
    ids: list[uuid.UUID]


DB = Annotated[Database, Depends(get_db)]
producer = APIRouter(prefix="/api/v1")
consumer = APIRouter(prefix="/api/v1")


@producer.post("/probes", status_code=201)
async def create_probes(data: ProbesIn, db: DB) -> ProbesOut:
    """`count` probes in one transaction, each with its event."""
    ids = []
    async with db.transaction() as session:
        for _ in range(data.count):
            probe = Probe(id=uuid.uuid4(), created_at=utcnow())
            session.add(probe)
            await outbox.emit(session, SUBJECT, {"id": str(probe.id)}, entity_id=probe.id)
            ids.append(probe.id)
    return ProbesOut(ids=ids)


@producer.get("/stats")
async def producer_stats(db: DB) -> dict[str, int]:
    table = kit.outbox
    async with db.sessions() as session:
        probes = await session.scalar(select(func.count()).select_from(Probe))
        unpublished = await session.scalar(
            select(func.count()).select_from(table).where(table.c.published_at.is_(None))
        )
    return {"probes": int(probes or 0), "unpublished": int(unpublished or 0)}


@consumer.get("/stats")
async def consumer_stats(db: DB) -> dict[str, int]:
    async with db.sessions() as session:
        effects = await session.scalar(select(func.count()).select_from(Effect))
        unique = await session.scalar(select(func.count(distinct(Effect.probe_id))))
        dead = await session.scalar(select(func.count()).select_from(kit.dead_letters))
    return {
        "effects": int(effects or 0),
        "distinct": int(unique or 0),
        "dead_letters": int(dead or 0),
    }


@consumer.get("/effects")
async def effects(db: DB) -> dict[str, list[str]]:
    async with db.sessions() as session:
        rows = await session.scalars(select(Effect.probe_id))
        return {"probe_ids": list(rows)}


@consumer.get("/latencies")
async def latencies(db: DB) -> dict[str, list[float]]:
    async with db.sessions() as session:
        rows = await session.scalars(select(Effect.latency_ms))
        return {"latency_ms": list(rows)}


async def on_probe_created(session: AsyncSession, event: CloudEvent) -> None:
    """The effect, in the inbox's transaction; latency = now - the event's time (stamped in
    the producer's transaction, just before its commit; same machine, same clock)."""
    latency = (utcnow() - event.time).total_seconds() * 1000
    session.add(Effect(probe_id=event.data["id"], latency_ms=latency))


def create_app() -> FastAPI:
    settings = Settings()
    is_producer = settings.role == "producer"
    settings.service_name = f"kitpair-{settings.role}"
    app = create_service_app(
        settings,
        title=f"kitpair {settings.role}",
        description="benchmark and fault-test pair",
        version="0",
        metadata=Base.metadata,
        kit=kit,
        outbox=outbox,
        routers=[producer if is_producer else consumer],
        handlers={} if is_producer else {SUBJECT: on_probe_created},
    )
    runtime = app.state.runtime
    if settings.lease_seconds is not None:
        runtime.relay.lease.ttl = settings.lease_seconds
    if settings.ack_wait_seconds is not None and runtime.consumer is not None:
        runtime.consumer.ack_wait = settings.ack_wait_seconds
    return app


async def create_schema(database_url: str) -> None:
    db = Database(database_url)
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
    finally:
        await db.dispose()
