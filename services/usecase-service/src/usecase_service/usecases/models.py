"""A use case with its six steps, data requirements and status history.

The steps are validated documents (JSON) on the use case row; figures the portfolio ranks
by are kept in columns, refreshed whenever the steps change, so ranking is one query.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from servicekit.db import UTCDateTime, utcnow
from usecase_service.database import Base


class UseCase(Base):
    __tablename__ = "use_cases"
    __table_args__ = (
        Index("ix_use_cases_municipality_created", "municipality", "created_at", "id"),
        Index("ix_use_cases_visibility_created", "visibility", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    municipality: Mapped[str] = mapped_column(String(63))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    field_of_action: Mapped[str] = mapped_column(String(40))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    tag_index: Mapped[str] = mapped_column(String(1200), default="|")
    owner: Mapped[str | None] = mapped_column(String(200), nullable=True)
    visibility: Mapped[str] = mapped_column(String(10))
    priority: Mapped[str | None] = mapped_column(String(10), nullable=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(30), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    version: Mapped[int] = mapped_column(Integer, default=1)
    planned_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    planned_end: Mapped[date | None] = mapped_column(Date, nullable=True)

    problem: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    process: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    benefits: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    requirements: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    services: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    assessment: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    comparison_result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    assessment_result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    # Figures for the portfolio (null until the step that yields them is filled in).
    npv_total: Mapped[float | None] = mapped_column(Float, nullable=True)
    benefit_cost_ratio: Mapped[float | None] = mapped_column(Float, nullable=True)
    strategic_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    urgency_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    investment: Mapped[float] = mapped_column(Float, default=0.0)
    yearly_savings: Mapped[float] = mapped_column(Float, default=0.0)
    supports: Mapped[int] = mapped_column(Integer, default=0)
    participants: Mapped[int] = mapped_column(Integer, default=0)

    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    adopted_from: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    data_requirements: Mapped[list[DataRequirement]] = relationship(
        back_populates="use_case",
        cascade="all, delete-orphan",
        order_by="DataRequirement.created_at",
        lazy="raise",
    )


class DataRequirement(Base):
    __tablename__ = "data_requirements"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    use_case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("use_cases.id", ondelete="CASCADE"), index=True
    )
    dataset_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    open: Mapped[bool] = mapped_column(Boolean, default=True)
    personal: Mapped[bool] = mapped_column(Boolean, default=False)
    dataset_title: Mapped[str | None] = mapped_column(String(500), nullable=True)
    dataset_withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    use_case: Mapped[UseCase] = relationship(back_populates="data_requirements", lazy="raise")


class StatusChange(Base):
    """Who moved a use case from which status to which, when and why."""

    __tablename__ = "status_changes"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    use_case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("use_cases.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(30), nullable=True)
    to_status: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str | None] = mapped_column(String(200), nullable=True)
    revision: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
