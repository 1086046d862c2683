"""The use cases this service knows, filled only from the use-case service's events."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from participation_service.database import Base
from servicekit.db import UTCDateTime


class UseCaseView(Base):
    __tablename__ = "use_cases"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    municipality: Mapped[str] = mapped_column(String(63), index=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(40))
    visibility: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def can_have_process(self) -> bool:
        return self.published and not self.archived and self.visibility == "public"
