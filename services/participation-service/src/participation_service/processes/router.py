from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from participation_service.access import Actor, get_actor, get_writer
from participation_service.processes import service
from participation_service.processes.schemas import (
    InvitationsIn,
    InvitationsOut,
    ProcessIn,
    ProcessOut,
    ProcessPatch,
)
from servicekit.concurrency import set_etag
from servicekit.db import Database
from servicekit.pagination import Page, PageParams, page_params
from servicekit.problems import problem_responses
from servicekit.runtime import get_db

router = APIRouter(prefix="/api/v1/processes", tags=["processes"])
DB = Annotated[Database, Depends(get_db)]
Reader = Annotated[Actor, Depends(get_actor)]
Writer = Annotated[Actor, Depends(get_writer)]


def _with_etag(response: Response, out: ProcessOut) -> ProcessOut:
    set_etag(response, out.id, out.version)
    return out


@router.post(
    "",
    status_code=201,
    operation_id="createProcess",
    summary="Create a consultation on a published use case",
    description="Editors of the use case's municipality create a process (a draft) with dated "
    "phases. The use case must be published and public; the service learns that from the "
    "use-case service's events, so a just-published use case may need a moment.",
    responses=problem_responses(401, 403, 422, 429),
)
async def create_process(data: ProcessIn, db: DB, actor: Writer, response: Response) -> ProcessOut:
    out = await service.create(db, actor, data)
    response.headers["Location"] = f"/api/v1/processes/{out.id}"
    return _with_etag(response, out)


@router.get(
    "",
    operation_id="listProcesses",
    summary="List consultations",
    description="Public processes for everyone; drafts and invite-only processes for members "
    "of the municipality and invited participants.",
    responses=problem_responses(400, 422),
)
async def list_processes(
    db: DB,
    actor: Reader,
    params: Annotated[PageParams, Depends(page_params)],
    municipality: Annotated[str | None, Query(max_length=63)] = None,
    use_case_id: uuid.UUID | None = None,
    status: Literal["draft", "open", "closed"] | None = None,
) -> Page[ProcessOut]:
    items, cursor = await service.list_(
        db, actor, params, municipality=municipality, use_case_id=use_case_id, status=status
    )
    return Page(items=items, next_cursor=cursor)


@router.get(
    "/{process_id}",
    operation_id="getProcess",
    summary="Get a consultation",
    description="The process with its phases and the phase that is active now.",
    responses=problem_responses(404),
)
async def get_process(
    process_id: uuid.UUID, db: DB, actor: Reader, response: Response
) -> ProcessOut:
    return _with_etag(response, await service.get(db, actor, process_id))


@router.patch(
    "/{process_id}",
    operation_id="updateProcess",
    summary="Change a consultation",
    description="Editors change title, description, visibility, guests and categories; phases "
    "only while it is a draft. `If-Match` with the ETag guards against lost updates.",
    responses=problem_responses(401, 403, 404, 409, 412, 422, 429),
)
async def update_process(
    process_id: uuid.UUID,
    data: ProcessPatch,
    db: DB,
    actor: Writer,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> ProcessOut:
    return _with_etag(response, await service.update(db, actor, process_id, data, if_match))


@router.post(
    "/{process_id}/open",
    operation_id="openProcess",
    summary="Open a consultation",
    description="Editors or moderators publish the draft; participation follows the phase "
    "dates. Emits `participation.process.opened`.",
    responses=problem_responses(401, 403, 404, 409, 429),
)
async def open_process(
    process_id: uuid.UUID, db: DB, actor: Writer, response: Response
) -> ProcessOut:
    return _with_etag(response, await service.open_(db, actor, process_id))


@router.post(
    "/{process_id}/close",
    operation_id="closeProcess",
    summary="Close a consultation",
    description="Editors or moderators end participation. Emits `participation.process.closed`.",
    responses=problem_responses(401, 403, 404, 409, 429),
)
async def close_process(
    process_id: uuid.UUID, db: DB, actor: Writer, response: Response
) -> ProcessOut:
    return _with_etag(response, await service.close(db, actor, process_id))


@router.post(
    "/{process_id}/invitations",
    operation_id="inviteParticipants",
    summary="Invite participants to an invite-only consultation",
    description="Editors invite people by their identity subject; only the pseudonym is stored.",
    responses=problem_responses(401, 403, 404, 422, 429),
)
async def invite(
    process_id: uuid.UUID, data: InvitationsIn, db: DB, actor: Writer, request: Request
) -> InvitationsOut:
    secret = request.app.state.settings.pseudonym_secret.get_secret_value()
    return InvitationsOut(invited=await service.invite(db, actor, process_id, data, secret))
