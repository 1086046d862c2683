"""Per-municipality parameters of the method (wage rate, discount rate, weights...)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from servicekit.db import UTCDateTime, utcnow
from usecase_service.database import Base


class MunicipalSettings(Base):
    __tablename__ = "usecase_settings"

    municipality: Mapped[str] = mapped_column(String(63), primary_key=True)
    wage_rate_eur_per_hour: Mapped[float] = mapped_column(Float)
    discount_rate: Mapped[float] = mapped_column(Float)
    discount_rate_source: Mapped[str] = mapped_column(String(300))
    recommendation_threshold: Mapped[float] = mapped_column(Float)
    portfolio_weights: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
