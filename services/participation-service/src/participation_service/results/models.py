from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from participation_service.database import Base
from servicekit.db import UTCDateTime


class SupportsEmission(Base):
    """The last `participation.supports.changed` aggregate sent per process (the throttle)."""

    __tablename__ = "supports_emissions"
    process_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    aggregate: Mapped[dict[str, Any]] = mapped_column(JSON)
    emitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
