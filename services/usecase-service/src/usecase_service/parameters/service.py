"""Reading and changing a municipality's parameters."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.concurrency import check_if_match
from servicekit.db import Database, utcnow
from servicekit.identity import Principal, Role
from usecase_service.database import tenants
from usecase_service.parameters.models import MunicipalSettings
from usecase_service.parameters.schemas import PortfolioWeights, SettingsIn, SettingsOut


def defaults(municipality: str) -> MunicipalSettings:
    data = SettingsIn()
    return MunicipalSettings(
        municipality=municipality,
        version=0,
        **data.model_dump(exclude={"portfolio_weights"}),
        portfolio_weights=data.portfolio_weights.model_dump(),
    )


async def settings_for(session: AsyncSession, municipality: str) -> MunicipalSettings:
    """The stored parameters, or the defaults (version 0) where none were set."""
    return await session.get(MunicipalSettings, municipality) or defaults(municipality)


def to_out(row: MunicipalSettings) -> SettingsOut:
    return SettingsOut(
        municipality=row.municipality,
        wage_rate_eur_per_hour=row.wage_rate_eur_per_hour,
        discount_rate=row.discount_rate,
        discount_rate_source=row.discount_rate_source,
        recommendation_threshold=row.recommendation_threshold,
        portfolio_weights=PortfolioWeights(**row.portfolio_weights),
        version=row.version,
        is_default=row.version == 0,
        updated_at=row.updated_at if row.version else None,
    )


async def read(db: Database, municipality: str) -> SettingsOut:
    async with db.sessions() as session:
        await tenants.require(session, municipality, field="path.municipality")
        return to_out(await settings_for(session, municipality))


async def replace(
    db: Database, principal: Principal, municipality: str, data: SettingsIn, if_match: str | None
) -> SettingsOut:
    principal.require_role(municipality, Role.ADMIN)
    async with db.transaction() as session:
        await tenants.require(session, municipality, field="path.municipality")
        row = await session.get(MunicipalSettings, municipality)
        check_if_match(if_match, municipality, row.version if row else 0)
        if row is None:
            row = MunicipalSettings(municipality=municipality, version=0)
            session.add(row)
        row.wage_rate_eur_per_hour = data.wage_rate_eur_per_hour
        row.discount_rate = data.discount_rate
        row.discount_rate_source = data.discount_rate_source
        row.recommendation_threshold = data.recommendation_threshold
        row.portfolio_weights = data.portfolio_weights.model_dump()
        row.version += 1
        row.updated_by = principal.subject
        row.updated_at = utcnow()
        return to_out(row)
