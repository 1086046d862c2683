"""Citizen support and published results per participation process (from events)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from servicekit.db import UTCDateTime
from usecase_service.database import Base


class SupportTally(Base):
    __tablename__ = "support_tallies"

    process_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    use_case_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    municipality: Mapped[str | None] = mapped_column(String(63), nullable=True)
    supports: Mapped[int] = mapped_column(Integer, default=0)
    contributions: Mapped[int] = mapped_column(Integer, default=0)
    participants: Mapped[int] = mapped_column(Integer, default=0)
    by_group: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    event_time: Mapped[datetime] = mapped_column(UTCDateTime)


class ParticipationResult(Base):
    __tablename__ = "participation_results"

    process_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    use_case_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    municipality: Mapped[str | None] = mapped_column(String(63), nullable=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    results: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    event_time: Mapped[datetime] = mapped_column(UTCDateTime)
