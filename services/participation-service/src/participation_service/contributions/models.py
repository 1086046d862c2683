from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from participation_service.database import Base
from servicekit.db import UTCDateTime, new_id, utcnow


class Contribution(Base):
    """An idea or a problem in a process."""

    __tablename__ = "contributions"
    __table_args__ = (Index("ix_contributions_process_created", "process_id", "created_at", "id"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    process_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    phase_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    municipality: Mapped[str] = mapped_column(String(63), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # idea | problem
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(100), nullable=True)
    geometry: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    author_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    stakeholder_group: Mapped[str] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(20), default="api")  # api | open311
    state: Mapped[str] = mapped_column(String(30), default="submitted")
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    draft_state: Mapped[str | None] = mapped_column(String(30), nullable=True)
    draft_answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    author_blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    report_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @property
    def visible(self) -> bool:
        return not self.hidden and not self.author_blocked


class Comment(Base):
    __tablename__ = "comments"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    contribution_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contributions.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), nullable=True
    )
    municipality: Mapped[str] = mapped_column(String(63))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    stakeholder_group: Mapped[str] = mapped_column(String(30))
    depth: Mapped[int] = mapped_column(Integer, default=0)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    author_blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    report_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def visible(self) -> bool:
        return not self.hidden and not self.author_blocked


class Support(Base):
    """One per participant per contribution: the unique constraint is the guarantee."""

    __tablename__ = "supports"
    __table_args__ = (
        UniqueConstraint("contribution_id", "participant_id"),
        Index("ix_supports_process_id", "process_id"),
        Index("ix_supports_participant_id", "participant_id"),
    )
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    contribution_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contributions.id", ondelete="CASCADE")
    )
    process_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    phase_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    participant_id: Mapped[str] = mapped_column(String(64))
    stakeholder_group: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SupportBudget(Base):
    """Supports a participant has used in a phase; raised only by a conditional UPDATE, so
    concurrent supports cannot exceed the phase's budget."""

    __tablename__ = "support_budgets"
    participant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    phase_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    used: Mapped[int] = mapped_column(Integer, default=0)
