"""HTTP for open data requests: data use cases need that the catalogue does not have yet."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from catalog_service.datasets import service as datasets
from catalog_service.demand.models import ACTIVE, DataRequirement
from servicekit.db import Database, utcnow
from servicekit.identity import Principal, Role, get_principal
from servicekit.pagination import Page, PageParams, SortKey, page_params, paginate
from servicekit.problems import NotFound, problem_responses
from servicekit.runtime import get_db

router = APIRouter(prefix="/api/v1/data-requests", tags=["catalog: data requests"])


class DataRequestOut(BaseModel):
    id: uuid.UUID
    municipality: str
    use_case_id: uuid.UUID
    use_case_title: str
    title: str = Field(examples=["Belegung der Ladesäulen in Echtzeit"])
    description: str
    open: bool = Field(description="The use case wants the data as open data.")
    personal: bool = Field(description="The data concerns persons (never published openly).")
    dataset_id: uuid.UUID | None
    created_at: datetime


class Fulfil(BaseModel):
    dataset: str = Field(description="Id or name of the dataset that provides the data.")


def _visible(principal: Principal, r: DataRequirement) -> bool:
    return not r.personal or principal.can_see_internal(r.municipality)


@router.get(
    "",
    operation_id="listDataRequests",
    summary="List open data requests",
    description="Data that use cases need and the catalogue does not yet hold, newest first. "
    "Requests for personal data are shown only to members of the municipality.",
    responses=problem_responses(400, 422),
)
async def list_data_requests(
    db: Annotated[Database, Depends(get_db)],
    principal: Annotated[Principal, Depends(get_principal)],
    page: Annotated[PageParams, Depends(page_params)],
    municipality: Annotated[str | None, Query(max_length=63)] = None,
) -> Page[DataRequestOut]:
    stmt = select(DataRequirement).where(
        DataRequirement.status == ACTIVE, DataRequirement.dataset_id.is_(None)
    )
    if municipality:
        stmt = stmt.where(DataRequirement.municipality == municipality)
    if not principal.platform_admin:
        members = sorted(principal.memberships)
        stmt = stmt.where(
            DataRequirement.personal.is_(False) | DataRequirement.municipality.in_(members)
        )
    keys = [SortKey(DataRequirement.created_at, descending=True), SortKey(DataRequirement.id)]
    async with db.sessions() as session:
        rows, cursor = await paginate(session, stmt, keys, page)
    return Page(
        items=[DataRequestOut.model_validate(r, from_attributes=True) for r in rows],
        next_cursor=cursor,
    )


@router.post(
    "/{request_id}/fulfil",
    operation_id="fulfilDataRequest",
    summary="Fulfil a data request",
    description="Link the dataset that now provides the data; the request closes and the "
    "dataset shows the use case among its demand. Needs the editor role.",
    responses=problem_responses(401, 403, 404),
)
async def fulfil_data_request(
    request_id: uuid.UUID,
    body: Fulfil,
    db: Annotated[Database, Depends(get_db)],
    principal: Annotated[Principal, Depends(get_principal)],
) -> DataRequestOut:
    async with db.transaction() as session:
        row = await session.get(DataRequirement, request_id)
        if row is None or row.status != ACTIVE or not _visible(principal, row):
            raise NotFound(f"No open data request '{request_id}'.")
        principal.require_role(row.municipality, Role.EDITOR)
        ds = await datasets.find(session, principal, body.dataset)
        row.dataset_id = ds.id
        row.updated_at = utcnow()
        return DataRequestOut.model_validate(row, from_attributes=True)
