"""Dataset rules: editors write their municipality's datasets, everyone reads published ones.
Every function is one transaction; the search index and the events are part of it."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_service.database import outbox
from catalog_service.datasets.indexing import reindex
from catalog_service.datasets.models import DRAFT, PUBLISHED, WITHDRAWN, Dataset, Distribution
from catalog_service.datasets.rules import dataset_columns, distribution_columns, slugify
from catalog_service.datasets.schemas import (
    DatasetIn,
    DatasetPatch,
    Demand,
    DistributionIn,
    DistributionPatch,
)
from catalog_service.demand.models import ACTIVE, DataRequirement
from catalog_service.organizations import service as organizations
from catalog_service.organizations.models import Organization
from catalog_service.quality import OrganizationQuality, Quality, assess, rating
from servicekit.concurrency import check_if_match
from servicekit.db import Database, utcnow
from servicekit.identity import Principal, Role
from servicekit.problems import Conflict, FieldError, NotFound, ProblemError, Unprocessable

TRANSITIONS = {
    (DRAFT, PUBLISHED),
    (PUBLISHED, WITHDRAWN),
    (WITHDRAWN, PUBLISHED),
    (WITHDRAWN, DRAFT),
}


def _id_clause(column_id: Any, column_name: Any, id_or_name: str) -> Any:
    try:
        return or_(column_id == uuid.UUID(id_or_name), column_name == id_or_name)
    except ValueError:
        return column_name == id_or_name


def can_see(principal: Principal, ds: Dataset) -> bool:
    return ds.status == PUBLISHED or principal.can_see_internal(ds.municipality)


async def find(session: AsyncSession, principal: Principal, id_or_name: str) -> Dataset:
    ds = await session.scalar(
        select(Dataset).where(_id_clause(Dataset.id, Dataset.name, id_or_name))
    )
    if ds is None or not can_see(principal, ds):
        raise NotFound(f"No dataset '{id_or_name}'.")
    return ds


async def organization_of(session: AsyncSession, ds: Dataset) -> Organization:
    org = await session.get(Organization, ds.organization_id)
    assert org is not None
    return org


async def organizations_by_id(
    session: AsyncSession, ids: set[uuid.UUID]
) -> dict[uuid.UUID, Organization]:
    rows = await session.scalars(select(Organization).where(Organization.id.in_(ids)))
    return {o.id: o for o in rows}


async def _editable(session: AsyncSession, principal: Principal, id_or_name: str) -> Dataset:
    ds = await find(session, principal, id_or_name)
    principal.require_role(ds.municipality, Role.EDITOR, hide=True)
    if ds.harvested:
        raise Conflict(
            "This dataset is harvested and read-only here; change it at its source.",
            extra={"origin_url": ds.origin_url},
        )
    return ds


async def unique_name(session: AsyncSession, wanted: str, own_id: uuid.UUID | None = None) -> str:
    base = wanted[:90]
    taken = set(
        await session.scalars(
            select(Dataset.name).where(Dataset.name.like(f"{base}%"), Dataset.id != own_id)
        )
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def event_data(ds: Dataset) -> dict[str, Any]:
    return {
        "id": str(ds.id),
        "municipality": ds.municipality,
        "name": ds.name,
        "title": ds.title,
        "modified": ds.metadata_modified.isoformat(),
        "landing_page": ds.landing_page,
    }


async def after_change(
    session: AsyncSession, ds: Dataset, org: Organization, previous_status: str | None
) -> None:
    """Bumps the version, re-indexes and emits the event the status change calls for."""
    ds.metadata_modified = utcnow()
    if previous_status is not None:
        ds.version += 1
    await reindex(session, ds, org)
    subject = None
    if ds.status == PUBLISHED:
        subject = (
            "catalog.dataset.updated"
            if previous_status == PUBLISHED
            else "catalog.dataset.published"
        )
    elif ds.status == WITHDRAWN and previous_status == PUBLISHED:
        subject = "catalog.dataset.withdrawn"
    if subject:
        await outbox.emit(
            session, subject, event_data(ds), entity_id=ds.id, municipality=ds.municipality
        )


async def emit_distribution_added(session: AsyncSession, ds: Dataset, d: Distribution) -> None:
    await outbox.emit(
        session,
        "catalog.distribution.added",
        {
            "id": str(d.id),
            "dataset_id": str(ds.id),
            "municipality": ds.municipality,
            "title": d.title,
            "format": d.format,
        },
        entity_id=d.id,
        municipality=ds.municipality,
    )


def _checked(columns_and_errors: tuple[dict[str, Any], list[FieldError]]) -> dict[str, Any]:
    columns, errors = columns_and_errors
    if errors:
        raise Unprocessable("The dataset is not valid: " + errors[0].message, errors)
    return columns


def new_distribution(ds: Dataset, columns: dict[str, Any]) -> Distribution:
    columns.setdefault("license_id", None)
    if columns["license_id"] is None:
        columns["license_id"] = ds.license_id
    d = Distribution(id=uuid.uuid4(), dataset_id=ds.id, **columns)
    ds.distributions.append(d)
    return d


async def insert_dataset(
    session: AsyncSession,
    org: Organization,
    columns: dict[str, Any],
    distributions: list[dict[str, Any]],
    *,
    name: str,
    status: str = DRAFT,
    **extra: Any,
) -> Dataset:
    """Shared by the API, harvesting and participation results."""
    now = utcnow()
    ds = Dataset(
        id=uuid.uuid4(),
        municipality=org.municipality,
        organization_id=org.id,
        name=await unique_name(session, name),
        status=status,
        metadata_created=now,
        metadata_modified=now,
        distributions=[],
        **{"keywords": [], "themes": [], "extras": {}, **columns, **extra},
    )
    session.add(ds)
    added = [new_distribution(ds, dict(c)) for c in distributions]
    await after_change(session, ds, org, None)
    for d in added:
        await emit_distribution_added(session, ds, d)
    return ds


async def create(
    db: Database, principal: Principal, body: DatasetIn
) -> tuple[Dataset, Organization]:
    fields = body.model_dump(exclude={"organization", "name", "distributions"})
    columns = _checked(dataset_columns(fields))
    dists = [
        _checked(distribution_columns(d.model_dump(), f"body.distributions.{i}"))
        for i, d in enumerate(body.distributions)
    ]
    async with db.transaction() as session:
        org = await organizations.find(session, body.organization)
        principal.require_role(org.municipality, Role.EDITOR)
        if body.name and await session.scalar(select(Dataset.id).where(Dataset.name == body.name)):
            raise Conflict(f"A dataset named '{body.name}' exists already.")
        ds = await insert_dataset(
            session, org, columns, dists, name=body.name or slugify(body.title)
        )
        return ds, org


async def update(
    db: Database, principal: Principal, id_or_name: str, body: DatasetPatch, if_match: str | None
) -> tuple[Dataset, Organization]:
    fields = body.model_dump(exclude_unset=True)
    for required in ("title", "description"):
        if required in fields and fields[required] is None:
            raise Unprocessable(
                f"{required} cannot be removed.",
                [FieldError(field=f"body.{required}", message="required")],
            )
    columns = _checked(dataset_columns(fields))
    async with db.transaction() as session:
        ds = await _editable(session, principal, id_or_name)
        check_if_match(if_match, ds.id, ds.version)
        for key, value in columns.items():
            setattr(ds, key, value)
        org = await organization_of(session, ds)
        await after_change(session, ds, org, ds.status)
        return ds, org


async def set_status(
    db: Database, principal: Principal, id_or_name: str, target: str, if_match: str | None
) -> tuple[Dataset, Organization]:
    async with db.transaction() as session:
        ds = await _editable(session, principal, id_or_name)
        check_if_match(if_match, ds.id, ds.version)
        if ds.status == target:
            return ds, await organization_of(session, ds)
        if (ds.status, target) not in TRANSITIONS:
            raise Conflict(f"A {ds.status} dataset cannot become {target}.")
        if target == PUBLISHED and ds.issued is None:
            ds.issued = utcnow()
        previous, ds.status = ds.status, target
        org = await organization_of(session, ds)
        await after_change(session, ds, org, previous)
        return ds, org


async def delete(db: Database, principal: Principal, id_or_name: str, if_match: str | None) -> None:
    async with db.transaction() as session:
        ds = await _editable(session, principal, id_or_name)
        check_if_match(if_match, ds.id, ds.version)
        if ds.status != DRAFT:
            raise Conflict("Only drafts can be deleted; withdraw a published dataset instead.")
        from catalog_service.search.backends import search_backend

        await search_backend(session).remove(session, ds.id)
        await session.delete(ds)


async def add_distribution(
    db: Database, principal: Principal, id_or_name: str, body: DistributionIn
) -> tuple[Dataset, Distribution]:
    columns = _checked(distribution_columns(body.model_dump()))
    async with db.transaction() as session:
        ds = await _editable(session, principal, id_or_name)
        d = new_distribution(ds, columns)
        org = await organization_of(session, ds)
        await after_change(session, ds, org, ds.status)
        await emit_distribution_added(session, ds, d)
        return ds, d


async def find_distribution(
    session: AsyncSession, principal: Principal, distribution_id: uuid.UUID
) -> tuple[Dataset, Distribution]:
    d = await session.get(Distribution, distribution_id)
    ds = await session.get(Dataset, d.dataset_id) if d else None
    if d is None or ds is None or not can_see(principal, ds):
        raise NotFound(f"No distribution '{distribution_id}'.")
    return ds, d


async def editable_distribution(
    session: AsyncSession, principal: Principal, distribution_id: uuid.UUID
) -> tuple[Dataset, Distribution]:
    ds, d = await find_distribution(session, principal, distribution_id)
    await _editable(session, principal, str(ds.id))
    return ds, d


async def update_distribution(
    db: Database, principal: Principal, distribution_id: uuid.UUID, body: DistributionPatch
) -> Distribution:
    fields = body.model_dump(exclude_unset=True)
    if "title" in fields and fields["title"] is None:
        raise Unprocessable(
            "title cannot be removed.", [FieldError(field="body.title", message="required")]
        )
    columns = _checked(distribution_columns(fields))
    async with db.transaction() as session:
        ds, d = await editable_distribution(session, principal, distribution_id)
        for key, value in columns.items():
            setattr(d, key, value)
        d.updated_at = utcnow()
        await after_change(session, ds, await organization_of(session, ds), ds.status)
        return d


async def delete_distribution(
    db: Database, principal: Principal, distribution_id: uuid.UUID
) -> str | None:
    """Returns the stored file's key, for the caller to remove after the commit."""
    async with db.transaction() as session:
        ds, d = await editable_distribution(session, principal, distribution_id)
        key = d.file_key
        ds.distributions.remove(d)
        await after_change(session, ds, await organization_of(session, ds), ds.status)
        return key


async def demand_for(session: AsyncSession, dataset_id: uuid.UUID) -> list[Demand]:
    rows = await session.scalars(
        select(DataRequirement)
        .where(DataRequirement.dataset_id == dataset_id, DataRequirement.status == ACTIVE)
        .order_by(DataRequirement.created_at)
    )
    return [
        Demand(
            requirement_id=r.id,
            use_case_id=r.use_case_id,
            use_case_title=r.use_case_title,
            title=r.title,
        )
        for r in rows
    ]


async def quality(db: Database, principal: Principal, id_or_name: str) -> Quality:
    async with db.sessions() as session:
        return assess(await find(session, principal, id_or_name))


async def organization_quality(db: Database, id_or_name: str) -> OrganizationQuality:
    async with db.sessions() as session:
        org = await organizations.find(session, id_or_name)
        datasets = list(
            await session.scalars(
                select(Dataset).where(
                    Dataset.organization_id == org.id, Dataset.status == PUBLISHED
                )
            )
        )
    scores = [assess(ds) for ds in datasets]
    average = sum(s.points for s in scores) / len(scores) if scores else 0.0
    hints = Counter(h for s in scores for h in s.hints)
    return OrganizationQuality(
        organization=org.name,
        datasets=len(scores),
        average_points=round(average, 1),
        rating=rating(average),
        frequent_hints=[{"hint": h, "datasets": n} for h, n in hints.most_common(10)],
    )


__all__ = ["ProblemError"]
