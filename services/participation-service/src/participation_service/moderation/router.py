from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from participation_service.access import Actor, get_actor, get_writer
from participation_service.moderation import service
from participation_service.moderation.schemas import (
    ActionIn,
    LogEntry,
    QueueItem,
    ReportIn,
    ReportOut,
)
from servicekit.db import Database
from servicekit.pagination import Page, PageParams, page_params
from servicekit.problems import problem_responses
from servicekit.runtime import get_db

router = APIRouter(prefix="/api/v1", tags=["moderation"])
DB = Annotated[Database, Depends(get_db)]
Writer = Annotated[Actor, Depends(get_writer)]
Reader = Annotated[Actor, Depends(get_actor)]
Pages = Annotated[PageParams, Depends(page_params)]
Municipality = Annotated[str, Query(min_length=1, max_length=63)]


def _threshold(request: Request) -> int:
    return int(request.app.state.settings.report_hide_threshold)


@router.post(
    "/contributions/{contribution_id}/reports",
    status_code=201,
    operation_id="reportContribution",
    summary="Report a contribution",
    description="Spam, offensive or off-topic; one report per participant per item. After a "
    "configured number of reports the contribution is hidden until a moderator decides.",
    responses=problem_responses(401, 404, 409, 422, 429),
)
async def report_contribution(
    contribution_id: uuid.UUID, data: ReportIn, db: DB, actor: Writer, request: Request
) -> ReportOut:
    return await service.report(
        db, actor, "contribution", contribution_id, data, _threshold(request)
    )


@router.post(
    "/contributions/{contribution_id}/comments/{comment_id}/reports",
    status_code=201,
    operation_id="reportComment",
    summary="Report a comment",
    description="Like reporting a contribution.",
    responses=problem_responses(401, 404, 409, 422, 429),
)
async def report_comment(
    contribution_id: uuid.UUID,
    comment_id: uuid.UUID,
    data: ReportIn,
    db: DB,
    actor: Writer,
    request: Request,
) -> ReportOut:
    return await service.report(db, actor, "comment", comment_id, data, _threshold(request))


@router.get(
    "/moderation/queue",
    operation_id="getModerationQueue",
    summary="The moderation queue of a municipality",
    description="Reported, hidden and blocked content, most reported first. Moderators only.",
    responses=problem_responses(401, 403, 422),
)
async def get_queue(
    db: DB,
    actor: Reader,
    params: Pages,
    municipality: Municipality,
    target_type: Literal["contribution", "comment"] = "contribution",
) -> Page[QueueItem]:
    items, cursor = await service.queue(db, actor, municipality, target_type, params)
    return Page(items=items, next_cursor=cursor)


@router.post(
    "/moderation/actions",
    status_code=201,
    operation_id="takeModerationAction",
    summary="Hide, restore, block or unblock",
    description="Hide or restore a contribution or comment; block or unblock a participant "
    "(by pseudonym) in a municipality, which hides or shows all of their content there. "
    "Every action is written to the audit log.",
    responses=problem_responses(401, 403, 404, 409, 422, 429),
)
async def take_action(data: ActionIn, db: DB, actor: Writer) -> LogEntry:
    return await service.act(db, actor, data)


@router.get(
    "/moderation/log",
    operation_id="getModerationLog",
    summary="The moderation audit log",
    description="Every moderation decision in a municipality, newest first. Moderators only.",
    responses=problem_responses(401, 403, 422),
)
async def get_log(
    db: DB, actor: Reader, params: Pages, municipality: Municipality
) -> Page[LogEntry]:
    items, cursor = await service.log(db, actor, municipality, params)
    return Page(items=items, next_cursor=cursor)
