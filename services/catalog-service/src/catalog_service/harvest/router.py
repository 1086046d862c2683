"""HTTP for harvest sources and their runs."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Request
from sqlalchemy import select

from catalog_service.harvest import service
from catalog_service.harvest.models import HarvestRun, HarvestSource
from catalog_service.harvest.schemas import (
    HarvestRunOut,
    HarvestSourceIn,
    HarvestSourceOut,
    RunRequest,
)
from servicekit.db import Database
from servicekit.identity import Principal, Role, get_principal
from servicekit.pagination import Page, PageParams, SortKey, page_params, paginate
from servicekit.problems import problem_responses
from servicekit.runtime import get_db

router = APIRouter(prefix="/api/v1/harvest-sources", tags=["catalog: harvesting"])
DbDep = Annotated[Database, Depends(get_db)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]


@router.post(
    "",
    status_code=201,
    operation_id="createHarvestSource",
    summary="Add a harvest source",
    description="A CKAN Action API or a DCAT RDF catalogue whose datasets are copied into the "
    "organisation (read-only here). Needs the admin role.",
    responses=problem_responses(401, 403, 404, 422),
)
async def create_source(
    body: HarvestSourceIn, db: DbDep, principal: PrincipalDep
) -> HarvestSourceOut:
    source = await service.create_source(db, principal, body)
    return HarvestSourceOut.model_validate(source, from_attributes=True)


@router.get(
    "",
    operation_id="listHarvestSources",
    summary="List harvest sources",
    description="The sources of the municipalities you are a member of.",
    responses=problem_responses(400, 401),
)
async def list_sources(
    db: DbDep, principal: PrincipalDep, page: Annotated[PageParams, Depends(page_params)]
) -> Page[HarvestSourceOut]:
    principal.require_authenticated()
    stmt = select(HarvestSource)
    if not principal.platform_admin:
        stmt = stmt.where(HarvestSource.municipality.in_(sorted(principal.memberships)))
    async with db.sessions() as session:
        rows, cursor = await paginate(
            session, stmt, [SortKey(HarvestSource.id.expression, attribute="id")], page
        )
    return Page(
        items=[HarvestSourceOut.model_validate(r, from_attributes=True) for r in rows],
        next_cursor=cursor,
    )


@router.post(
    "/{source_id}/runs",
    status_code=201,
    operation_id="runHarvest",
    summary="Harvest now",
    description="Runs the harvest and answers with its report: created, updated, unchanged, "
    "withdrawn and an error per broken record. Incremental by modified date unless `full`. "
    "A source that times out or answers garbage gives a run with status `failed` and a message.",
    responses=problem_responses(401, 403, 404, 409),
)
async def run_now(
    source_id: uuid.UUID,
    db: DbDep,
    principal: PrincipalDep,
    request: Request,
    body: Annotated[RunRequest | None, Body(examples=[{"full": False}])] = None,
) -> HarvestRunOut:
    async with db.sessions() as session:
        source = await service.find_source(session, principal, source_id)
    principal.require_role(source.municipality, Role.ADMIN, Role.EDITOR)
    settings = request.app.state.settings
    run = await service.run_harvest(
        db, source_id, timeout=settings.harvest_timeout_seconds, full=bool(body and body.full)
    )
    return HarvestRunOut.model_validate(run, from_attributes=True)


@router.get(
    "/{source_id}/runs",
    operation_id="listHarvestRuns",
    summary="Harvest runs of a source",
    description="Newest first, each with its report.",
    responses=problem_responses(400, 404),
)
async def list_runs(
    source_id: uuid.UUID,
    db: DbDep,
    principal: PrincipalDep,
    page: Annotated[PageParams, Depends(page_params)],
) -> Page[HarvestRunOut]:
    async with db.sessions() as session:
        await service.find_source(session, principal, source_id)
        keys = [
            SortKey(HarvestRun.started_at.expression, descending=True, attribute="started_at"),
            SortKey(HarvestRun.id.expression, attribute="id"),
        ]
        rows, cursor = await paginate(
            session, select(HarvestRun).where(HarvestRun.source_id == source_id), keys, page
        )
    return Page(
        items=[HarvestRunOut.model_validate(r, from_attributes=True) for r in rows],
        next_cursor=cursor,
    )
