from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from participation_service.database import Base
from servicekit.db import UTCDateTime, new_id, utcnow


class Report(Base):
    """One per reporter per item."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("target_id", "reporter_id"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    municipality: Mapped[str] = mapped_column(String(63), index=True)
    target_type: Mapped[str] = mapped_column(String(20))  # contribution | comment
    target_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    reporter_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ModerationEntry(Base):
    """The audit log: every moderation decision, automatic or by a moderator."""

    __tablename__ = "moderation_log"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    municipality: Mapped[str] = mapped_column(String(63), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(20))
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
