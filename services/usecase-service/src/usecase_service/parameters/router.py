"""HTTP: /api/v1/usecase-settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Response

from servicekit.concurrency import set_etag
from servicekit.db import Database
from servicekit.identity import Principal, get_principal
from servicekit.problems import problem_responses
from servicekit.runtime import get_db
from usecase_service.parameters import service
from usecase_service.parameters.schemas import SettingsIn, SettingsOut

router = APIRouter(prefix="/api/v1/usecase-settings", tags=["use-case settings"])
DB = Annotated[Database, Depends(get_db)]
Caller = Annotated[Principal, Depends(get_principal)]
Slug = Annotated[str, Path(max_length=63, pattern=r"^[a-z0-9][a-z0-9-]*$")]


@router.get(
    "/{municipality}",
    operation_id="getUseCaseSettings",
    summary="Read a municipality's method parameters",
    description="Wage rate, discount rate with its source, recommendation threshold and "
    "portfolio weights. Defaults (version 0) apply until an admin sets them.",
    responses=problem_responses(404, 422),
)
async def get_settings(municipality: Slug, db: DB, response: Response) -> SettingsOut:
    out = await service.read(db, municipality)
    set_etag(response, municipality, out.version)
    return out


@router.put(
    "/{municipality}",
    operation_id="putUseCaseSettings",
    summary="Set a municipality's method parameters",
    description="Admins of the municipality only. Assessments saved afterwards use the new "
    "values; each assessment records the values it used.",
    responses=problem_responses(401, 403, 412, 422),
)
async def put_settings(
    municipality: Slug,
    data: SettingsIn,
    db: DB,
    principal: Caller,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> SettingsOut:
    out = await service.replace(db, principal, municipality, data, if_match)
    set_etag(response, municipality, out.version)
    return out
