"""Harvest sources and the report of each run."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from catalog_service.database import Base
from servicekit.db import UTCDateTime, new_id, utcnow


class HarvestSource(Base):
    __tablename__ = "harvest_sources"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    municipality: Mapped[str] = mapped_column(String(63), index=True)
    organization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(1000))
    kind: Mapped[str] = mapped_column(String(20))
    schedule_minutes: Mapped[int | None] = mapped_column()
    last_harvested_modified: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HarvestRun(Base):
    __tablename__ = "harvest_runs"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    source_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("harvest_sources.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="running")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    withdrawn: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    message: Mapped[str | None] = mapped_column(String(1000))
