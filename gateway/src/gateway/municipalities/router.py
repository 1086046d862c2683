"""HTTP: /api/v1/municipalities."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response

from gateway.municipalities import service
from gateway.municipalities.models import Municipality
from gateway.municipalities.schemas import (
    Contact,
    MunicipalityIn,
    MunicipalityOut,
    MunicipalityPatch,
)
from servicekit.concurrency import set_etag
from servicekit.db import Database
from servicekit.identity import Principal, Role, get_principal
from servicekit.pagination import Page, PageParams, page_params
from servicekit.problems import problem_responses
from servicekit.runtime import get_db

router = APIRouter(prefix="/api/v1/municipalities", tags=["municipalities"])
DB = Annotated[Database, Depends(get_db)]
Caller = Annotated[Principal, Depends(get_principal)]


def to_out(m: Municipality, principal: Principal) -> MunicipalityOut:
    sees_contact = principal.platform_admin or principal.has_role(m.slug, Role.ADMIN)
    return MunicipalityOut(
        id=m.id,
        slug=m.slug,
        name=m.name,
        regional_key=m.regional_key,
        federal_state=m.federal_state,
        contact=(
            Contact(name=m.contact_name, email=m.contact_email, phone=m.contact_phone)
            if sees_contact
            else None
        ),
        active=m.active,
        created_at=m.created_at,
        updated_at=m.updated_at,
    )


@router.post(
    "",
    status_code=201,
    operation_id="registerMunicipality",
    summary="Register a municipality",
    description="Platform admins register a municipality (the tenant). The gateway announces "
    "it as `platform.municipality.registered`; services accept records for it once they "
    "have seen the event.",
    responses=problem_responses(401, 403, 409, 422),
)
async def register_municipality(
    data: MunicipalityIn, db: DB, principal: Caller, response: Response
) -> MunicipalityOut:
    municipality = await service.register(db, principal, data)
    set_etag(response, municipality.id, municipality.version)
    response.headers["Location"] = f"/api/v1/municipalities/{municipality.slug}"
    return to_out(municipality, principal)


@router.get(
    "",
    operation_id="listMunicipalities",
    summary="List municipalities",
    description="Active municipalities, ordered by slug. Platform admins may include inactive "
    "ones. Contacts are shown to platform admins and the municipality's admins.",
    responses=problem_responses(400, 422),
)
async def list_municipalities(
    db: DB,
    principal: Caller,
    params: Annotated[PageParams, Depends(page_params)],
    include_inactive: bool = False,
) -> Page[MunicipalityOut]:
    rows, cursor = await service.list_page(
        db, params, include_inactive=include_inactive and principal.platform_admin
    )
    return Page(items=[to_out(m, principal) for m in rows], next_cursor=cursor)


@router.get(
    "/{slug}",
    operation_id="getMunicipality",
    summary="Get a municipality",
    description="One municipality by slug, with its `ETag`.",
    responses=problem_responses(404),
)
async def get_municipality(
    slug: str, db: DB, principal: Caller, response: Response
) -> MunicipalityOut:
    municipality = await service.get(db, slug)
    set_etag(response, municipality.id, municipality.version)
    return to_out(municipality, principal)


@router.patch(
    "/{slug}",
    operation_id="updateMunicipality",
    summary="Change a municipality",
    description="Platform admins change name, regional key, federal state, contact or "
    "`active`. Announced as `platform.municipality.updated`. `If-Match` guards against "
    "lost updates (412).",
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
async def update_municipality(
    slug: str,
    patch: MunicipalityPatch,
    db: DB,
    principal: Caller,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> MunicipalityOut:
    municipality = await service.update(db, principal, slug, patch, if_match)
    set_etag(response, municipality.id, municipality.version)
    return to_out(municipality, principal)
