from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from participation_service.database import Base
from servicekit.db import UTCDateTime, utcnow


class Participant(Base):
    """A pseudonymous participant: the id is a keyed hash of the identity subject."""

    __tablename__ = "participants"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str | None] = mapped_column(String(80), nullable=True)
    stakeholder_group: Mapped[str | None] = mapped_column(String(30), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Block(Base):
    """A participant blocked by a municipality's moderators: all their content there is hidden."""

    __tablename__ = "participant_blocks"
    participant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    municipality: Mapped[str] = mapped_column(String(63), primary_key=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
