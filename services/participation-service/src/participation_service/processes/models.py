from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation_service.database import Base
from servicekit.db import UTCDateTime, new_id, utcnow


class Process(Base):
    __tablename__ = "processes"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    municipality: Mapped[str] = mapped_column(String(63), index=True)
    use_case_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(20))  # public | invite_only
    allow_guests: Mapped[bool] = mapped_column(Boolean, default=False)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft | open | closed
    results_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    results_summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    phases: Mapped[list[Phase]] = relationship(
        order_by="Phase.position", cascade="all, delete-orphan", lazy="selectin"
    )

    def current_phase(self, now: datetime) -> Phase | None:
        if self.status != "open":
            return None
        return next((p for p in self.phases if p.starts_at <= now < p.ends_at), None)


class Phase(Base):
    __tablename__ = "phases"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    process_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("processes.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    contribution_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    supports_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    comments_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    support_budget: Mapped[int | None] = mapped_column(Integer, nullable=True)

    def settings(self) -> dict[str, Any]:
        return {
            "contribution_types": self.contribution_types,
            "supports_enabled": self.supports_enabled,
            "comments_enabled": self.comments_enabled,
            "support_budget": self.support_budget,
        }


class Invitation(Base):
    __tablename__ = "invitations"
    process_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("processes.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
