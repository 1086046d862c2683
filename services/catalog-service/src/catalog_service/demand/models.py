"""Demand from use cases: which use cases need a dataset, and open data requests."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalog_service.database import Base
from servicekit.db import UTCDateTime, utcnow

ACTIVE, REMOVED = "active", "removed"


class DataRequirement(Base):
    """A use case's data requirement as announced by the usecase service. With a
    `dataset_id` it is demand for that dataset; without one it is an open data request."""

    __tablename__ = "data_requirements"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    municipality: Mapped[str] = mapped_column(String(63), index=True)
    use_case_id: Mapped[uuid.UUID] = mapped_column(index=True)
    use_case_title: Mapped[str] = mapped_column(String(500))
    dataset_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("datasets.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    open: Mapped[bool] = mapped_column(default=True)
    personal: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default=ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
