"""Catalogue datasets as this service knows them: a read model filled from catalog events."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from servicekit.db import UTCDateTime
from usecase_service.database import Base


class DatasetRef(Base):
    __tablename__ = "datasets"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    municipality: Mapped[str | None] = mapped_column(String(63), nullable=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(500), default="")
    modified: Mapped[str | None] = mapped_column(String(40), nullable=True)
    landing_page: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    event_time: Mapped[datetime] = mapped_column(UTCDateTime)
