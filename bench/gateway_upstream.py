"""The upstream of the gateway proxy benchmark: a servicekit service (same middleware as the
real services) with a trivial endpoint and a read of one record by id from its database."""

from __future__ import annotations

import os
import uuid

from fastapi import APIRouter, Depends, FastAPI
from sqlalchemy import String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.db import Database, make_metadata
from servicekit.events import Outbox
from servicekit.problems import NotFound
from servicekit.runtime import ServiceRuntime, get_db
from servicekit.runtime import create_app as create_service_app
from servicekit.settings import ServiceSettings
from servicekit.tables import KitTables

RECORD_ID = uuid.UUID("6f1c9a52-5b0e-4c55-9d7e-2a8f7c1e0b11")


class Base(DeclarativeBase):
    metadata = make_metadata()


kit = KitTables(Base.metadata)
outbox = Outbox(kit, "usecase-service", stream="usecase")


class Record(Base):
    __tablename__ = "bench_records"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    municipality: Mapped[str] = mapped_column(String(63))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(2000))


router = APIRouter(prefix="/api/v1/use-cases")


@router.get("/ping")
async def ping() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/{record_id}")
async def read(record_id: uuid.UUID, db: Database = Depends(get_db)) -> dict[str, str]:
    async with db.sessions() as session:
        record = await session.get(Record, record_id)
    if record is None:
        raise NotFound(f"Use case {record_id} does not exist.")
    return {
        "id": str(record.id),
        "municipality": record.municipality,
        "title": record.title,
        "summary": record.summary,
    }


async def _prepare(runtime: ServiceRuntime) -> None:
    async with runtime.db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    async with runtime.db.transaction() as session:
        if await session.get(Record, RECORD_ID) is None:
            session.add(
                Record(
                    id=RECORD_ID,
                    municipality="musterstadt",
                    title="Digitale Parkraumbewirtschaftung",
                    summary="Sensoren melden freie Parkplätze; die App führt dorthin. " * 5,
                )
            )


def create_app() -> FastAPI:
    settings = ServiceSettings(
        service_name="bench-upstream",
        database_url=os.environ["BENCH_UPSTREAM_DATABASE_URL"],
    )
    return create_service_app(
        settings,
        title="bench upstream",
        description="",
        version="0",
        metadata=Base.metadata,
        kit=kit,
        outbox=outbox,
        routers=[router],
        on_startup=[_prepare],
    )
