"""HTTP: /api/v1/api-keys."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from gateway.apikeys import service
from gateway.apikeys.models import ApiKey
from gateway.apikeys.schemas import ApiKeyCreated, ApiKeyIn, ApiKeyOut
from servicekit.db import Database
from servicekit.identity import Principal, get_principal
from servicekit.pagination import Page, PageParams, page_params
from servicekit.problems import problem_responses
from servicekit.runtime import get_db

router = APIRouter(prefix="/api/v1/api-keys", tags=["api-keys"])
DB = Annotated[Database, Depends(get_db)]
Caller = Annotated[Principal, Depends(get_principal)]


def to_out(row: ApiKey) -> ApiKeyOut:
    return ApiKeyOut(
        id=row.id,
        municipality=row.municipality,
        name=row.name,
        prefix=row.prefix,
        scopes=list(row.scopes),
        created_by=row.created_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )


@router.post(
    "",
    status_code=201,
    operation_id="createApiKey",
    summary="Create an API key",
    description="Platform admins for any municipality, municipality admins for their own. "
    "The key is returned once and stored only as a hash.",
    responses=problem_responses(401, 403, 422),
)
async def create_api_key(
    data: ApiKeyIn, db: DB, principal: Caller, response: Response
) -> ApiKeyCreated:
    row, key = await service.create(db, principal, data)
    response.headers["Location"] = f"/api/v1/api-keys/{row.id}"
    return ApiKeyCreated(**to_out(row).model_dump(), key=key)


@router.get(
    "",
    operation_id="listApiKeys",
    summary="List API keys",
    description="Keys of the municipalities the caller administers (all for platform admins), "
    "newest first. Secrets are never shown.",
    responses=problem_responses(400, 401, 403, 422),
)
async def list_api_keys(
    db: DB,
    principal: Caller,
    params: Annotated[PageParams, Depends(page_params)],
    municipality: Annotated[str | None, Query(max_length=63)] = None,
) -> Page[ApiKeyOut]:
    rows, cursor = await service.list_page(db, principal, municipality, params)
    return Page(items=[to_out(r) for r in rows], next_cursor=cursor)


@router.get(
    "/{key_id}",
    operation_id="getApiKey",
    summary="Get an API key",
    description="One key's metadata, including when it was last used.",
    responses=problem_responses(401, 404),
)
async def get_api_key(key_id: uuid.UUID, db: DB, principal: Caller) -> ApiKeyOut:
    return to_out(await service.get(db, principal, key_id))


@router.delete(
    "/{key_id}",
    status_code=204,
    operation_id="revokeApiKey",
    summary="Revoke an API key",
    description="The key is refused from this moment on. Revoking twice is harmless.",
    responses=problem_responses(401, 403, 404),
)
async def revoke_api_key(
    key_id: uuid.UUID, db: DB, principal: Caller, request: Request
) -> Response:
    await service.revoke(db, principal, key_id)
    request.app.state.authenticator.forget_api_keys()
    return Response(status_code=204)
