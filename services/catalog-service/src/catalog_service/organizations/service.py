"""Organisation rules: admins of a municipality manage its publishers."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_service.database import tenants
from catalog_service.datasets.models import PUBLISHED, Dataset
from catalog_service.organizations.models import Organization
from catalog_service.organizations.schemas import OrganizationIn, OrganizationPatch
from catalog_service.vocab import vocabulary
from servicekit.db import Database, utcnow
from servicekit.identity import Principal, Role
from servicekit.problems import Conflict, FieldError, NotFound, Unprocessable


def _validated(fields: dict[str, Any]) -> dict[str, Any]:
    vocab = vocabulary()
    errors = []
    if fields.get("contributor_id") is not None:
        found = vocab.contributor(fields["contributor_id"])
        if found is None:
            errors.append(
                FieldError(
                    field="body.contributor_id", message="not in the dcat-ap.de contributor list"
                )
            )
        fields["contributor_id"] = found
    if fields.get("political_geocoding_level") is not None:
        level = vocab.geocoding_level(fields["political_geocoding_level"])
        if level is None:
            errors.append(
                FieldError(field="body.political_geocoding_level", message="not a geocoding level")
            )
        fields["political_geocoding_level"] = level
    if errors:
        raise Unprocessable("The organisation is not valid.", errors)
    return fields


async def find(session: AsyncSession, id_or_name: str) -> Organization:
    clauses = [Organization.name == id_or_name]
    with contextlib.suppress(ValueError):
        clauses.append(Organization.id == uuid.UUID(id_or_name))
    org = await session.scalar(select(Organization).where(or_(*clauses)))
    if org is None:
        raise NotFound(f"No organisation '{id_or_name}'.")
    return org


async def dataset_counts(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    rows = await session.execute(
        select(Dataset.organization_id, func.count())
        .where(Dataset.organization_id.in_(ids), Dataset.status == PUBLISHED)
        .group_by(Dataset.organization_id)
    )
    return dict(rows.all())


async def create(db: Database, principal: Principal, body: OrganizationIn) -> Organization:
    principal.require_role(body.municipality, Role.ADMIN)
    fields = _validated(body.model_dump())
    async with db.transaction() as session:
        await tenants.require(session, body.municipality, field="body.municipality")
        if await session.scalar(select(Organization.id).where(Organization.name == body.name)):
            raise Conflict(f"An organisation named '{body.name}' exists already.")
        org = Organization(**fields)
        session.add(org)
        await session.flush()
        return org


async def update(
    db: Database, principal: Principal, id_or_name: str, body: OrganizationPatch
) -> Organization:
    async with db.transaction() as session:
        org = await find(session, id_or_name)
        principal.require_role(org.municipality, Role.ADMIN)
        for key, value in _validated(body.model_dump(exclude_unset=True)).items():
            setattr(org, key, value)
        org.updated_at = utcnow()
        org.version += 1
        return org
