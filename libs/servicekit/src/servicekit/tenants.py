"""The municipality read model every service keeps, filled only from gateway events."""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, Column, MetaData, String, Table, Uuid, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.db import UTCDateTime, utcnow
from servicekit.events.consumer import Handler
from servicekit.events.envelope import CloudEvent
from servicekit.problems import FieldError, ProblemError

REGISTERED = "platform.municipality.registered"
UPDATED = "platform.municipality.updated"


class Tenants:
    def __init__(self, metadata: MetaData) -> None:
        self.table = Table(
            "municipalities",
            metadata,
            Column("id", Uuid, primary_key=True),
            Column("slug", String(63), nullable=False, unique=True),
            Column("name", String(200), nullable=False),
            Column("regional_key", String(12), nullable=True),
            Column("active", Boolean, nullable=False, default=True),
            Column("updated_at", UTCDateTime, nullable=False),
        )

    async def apply(self, session: AsyncSession, event: CloudEvent) -> None:
        data = event.data
        table = self.table
        municipality_id = uuid.UUID(str(data["id"]))  # JSON carries the id as a string
        existing = (
            await session.execute(select(table).where(table.c.id == municipality_id))
        ).first()
        values = {
            "slug": data["slug"],
            "name": data["name"],
            "regional_key": data.get("regional_key"),
            "active": data.get("active", True),
            "updated_at": event.time,
        }
        if existing is None:
            await session.execute(table.insert().values(id=municipality_id, **values))
        elif existing.updated_at <= event.time:
            await session.execute(
                table.update().where(table.c.id == municipality_id).values(**values)
            )

    def handlers(self) -> dict[str, Handler]:
        return {REGISTERED: self.apply, UPDATED: self.apply}

    async def require(self, session: AsyncSession, slug: str, field: str = "municipality") -> None:
        """422 unless the gateway has announced this municipality."""
        table = self.table
        found = await session.scalar(
            select(table.c.slug).where(table.c.slug == slug, table.c.active.is_(True))
        )
        if found is None:
            raise ProblemError(
                422,
                f"Unknown municipality '{slug}'.",
                title="Validation failed",
                errors=[FieldError(field=field, message="unknown municipality")],
            )

    async def seed_for_tests(self, session: AsyncSession, slug: str, name: str) -> None:
        """Used by tests when no gateway runs: the same effect as the event."""
        await session.execute(
            self.table.insert().values(
                id=uuid.uuid5(uuid.NAMESPACE_DNS, f"{slug}.smartgov"),
                slug=slug,
                name=name,
                active=True,
                updated_at=utcnow(),
            )
        )
