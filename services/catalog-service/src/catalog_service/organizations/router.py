"""HTTP for organisations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select

from catalog_service.organizations import service
from catalog_service.organizations.models import Organization
from catalog_service.organizations.schemas import (
    OrganizationIn,
    OrganizationOut,
    OrganizationPatch,
)
from catalog_service.quality import OrganizationQuality
from servicekit.db import Database
from servicekit.identity import Principal, get_principal
from servicekit.pagination import Page, PageParams, SortKey, page_params, paginate
from servicekit.problems import problem_responses
from servicekit.runtime import get_db

router = APIRouter(prefix="/api/v1/organizations", tags=["catalog: organizations"])


async def _out(db: Database, orgs: list[Organization]) -> list[OrganizationOut]:
    async with db.sessions() as session:
        counts = await service.dataset_counts(session, [o.id for o in orgs])
    return [
        OrganizationOut.model_validate(o, from_attributes=True).model_copy(
            update={"dataset_count": counts.get(o.id, 0)}
        )
        for o in orgs
    ]


@router.post(
    "",
    status_code=201,
    operation_id="createOrganization",
    summary="Create an organisation",
    description="A publisher of a municipality, with its DCAT-AP.de contributor id. Needs the "
    "admin role in the municipality.",
    responses=problem_responses(401, 403, 409, 422),
)
async def create_organization(
    body: OrganizationIn,
    db: Annotated[Database, Depends(get_db)],
    principal: Annotated[Principal, Depends(get_principal)],
) -> OrganizationOut:
    org = await service.create(db, principal, body)
    return (await _out(db, [org]))[0]


@router.get(
    "",
    operation_id="listOrganizations",
    summary="List organisations",
    description="All publishers, optionally of one municipality, by name.",
    responses=problem_responses(400, 422),
)
async def list_organizations(
    db: Annotated[Database, Depends(get_db)],
    page: Annotated[PageParams, Depends(page_params)],
    municipality: Annotated[str | None, Query(max_length=63)] = None,
) -> Page[OrganizationOut]:
    stmt = select(Organization)
    if municipality:
        stmt = stmt.where(Organization.municipality == municipality)
    async with db.sessions() as session:
        rows, cursor = await paginate(session, stmt, [SortKey(Organization.name)], page)
    return Page(items=await _out(db, rows), next_cursor=cursor)


@router.get(
    "/{id_or_name}",
    operation_id="getOrganization",
    summary="Get an organisation",
    description="By id or name.",
    responses=problem_responses(404),
)
async def get_organization(
    id_or_name: str, db: Annotated[Database, Depends(get_db)]
) -> OrganizationOut:
    async with db.sessions() as session:
        org = await service.find(session, id_or_name)
    return (await _out(db, [org]))[0]


@router.patch(
    "/{id_or_name}",
    operation_id="updateOrganization",
    summary="Update an organisation",
    description="Change the given fields. Needs the admin role in its municipality.",
    responses=problem_responses(401, 403, 404, 422),
)
async def update_organization(
    id_or_name: str,
    body: OrganizationPatch,
    db: Annotated[Database, Depends(get_db)],
    principal: Annotated[Principal, Depends(get_principal)],
) -> OrganizationOut:
    org = await service.update(db, principal, id_or_name, body)
    return (await _out(db, [org]))[0]


@router.get(
    "/{id_or_name}/quality",
    operation_id="getOrganizationQuality",
    summary="Metadata quality of an organisation",
    description="The average MQA-style score of its published datasets, with the most "
    "frequent hints.",
    responses=problem_responses(404),
)
async def get_organization_quality(
    id_or_name: str, db: Annotated[Database, Depends(get_db)]
) -> OrganizationQuality:
    from catalog_service.datasets.service import organization_quality

    return await organization_quality(db, id_or_name)
