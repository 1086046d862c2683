"""Publishers: one or more per municipality."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalog_service.database import Base
from servicekit.db import UTCDateTime, new_id, utcnow


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    municipality: Mapped[str] = mapped_column(String(63), index=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    contributor_id: Mapped[str | None] = mapped_column(String(100))
    political_geocoding_level: Mapped[str | None] = mapped_column(String(40))
    political_geocoding_uri: Mapped[str | None] = mapped_column(String(500))
    homepage: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
