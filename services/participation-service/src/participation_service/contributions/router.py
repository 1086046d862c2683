from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Response

from participation_service.access import Actor, get_actor, get_writer
from participation_service.contributions import service, supports
from participation_service.contributions.schemas import (
    AnswerIn,
    CommentIn,
    CommentOut,
    ContributionIn,
    ContributionOut,
    ContributionPatch,
    State,
    SupportOut,
)
from participation_service.processes.schemas import ContributionKind
from servicekit.concurrency import set_etag
from servicekit.db import Database
from servicekit.pagination import Page, PageParams, page_params
from servicekit.problems import problem_responses
from servicekit.runtime import get_db

router = APIRouter(prefix="/api/v1", tags=["contributions"])
DB = Annotated[Database, Depends(get_db)]
Reader = Annotated[Actor, Depends(get_actor)]
Writer = Annotated[Actor, Depends(get_writer)]
Pages = Annotated[PageParams, Depends(page_params)]


def _etag(response: Response, out: ContributionOut) -> ContributionOut:
    set_etag(response, out.id, out.version)
    return out


@router.post(
    "/processes/{process_id}/contributions",
    status_code=201,
    operation_id="createContribution",
    summary="Submit an idea or a problem",
    description="Signed-in participants (or guests where the process allows it) submit a "
    "contribution of a kind the current phase accepts. Text is plain text; markup is refused.",
    responses=problem_responses(401, 403, 404, 409, 422, 429),
)
async def create_contribution(
    process_id: uuid.UUID, data: ContributionIn, db: DB, actor: Writer, response: Response
) -> ContributionOut:
    out = await service.create(db, actor, process_id, data)
    response.headers["Location"] = f"/api/v1/contributions/{out.id}"
    return _etag(response, out)


@router.get(
    "/processes/{process_id}/contributions",
    operation_id="listContributions",
    summary="List the contributions of a consultation",
    description="Newest first. Hidden contributions are left out unless a moderator asks for "
    "them with `include_hidden=true`.",
    responses=problem_responses(400, 404, 422),
)
async def list_contributions(
    process_id: uuid.UUID,
    db: DB,
    actor: Reader,
    params: Pages,
    kind: ContributionKind | None = None,
    category: Annotated[str | None, Query(max_length=100)] = None,
    state: State | None = None,
    include_hidden: bool = False,
) -> Page[ContributionOut]:
    items, cursor = await service.list_(
        db,
        actor,
        process_id,
        params,
        kind=kind,
        category=category,
        state=state,
        include_hidden=include_hidden,
    )
    return Page(items=items, next_cursor=cursor)


@router.get(
    "/contributions/{contribution_id}",
    operation_id="getContribution",
    summary="Get a contribution",
    description="With its support and comment counts and the published official answer.",
    responses=problem_responses(404),
)
async def get_contribution(
    contribution_id: uuid.UUID, db: DB, actor: Reader, response: Response
) -> ContributionOut:
    return _etag(response, await service.get(db, actor, contribution_id))


@router.patch(
    "/contributions/{contribution_id}",
    operation_id="updateContribution",
    summary="Edit your contribution",
    description="Only the author, only while it is submitted and its phase is active.",
    responses=problem_responses(401, 403, 404, 409, 412, 422, 429),
)
async def update_contribution(
    contribution_id: uuid.UUID,
    data: ContributionPatch,
    db: DB,
    actor: Writer,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> ContributionOut:
    return _etag(response, await service.update_(db, actor, contribution_id, data, if_match))


@router.post(
    "/contributions/{contribution_id}/withdraw",
    operation_id="withdrawContribution",
    summary="Withdraw your contribution",
    description="Only the author. A withdrawn contribution can no longer be supported.",
    responses=problem_responses(401, 403, 404, 409, 429),
)
async def withdraw_contribution(
    contribution_id: uuid.UUID, db: DB, actor: Writer, response: Response
) -> ContributionOut:
    return _etag(response, await service.withdraw(db, actor, contribution_id))


@router.post(
    "/contributions/{contribution_id}/support",
    status_code=201,
    operation_id="supportContribution",
    summary="Support a contribution",
    description="One support per participant per contribution, in a phase with supports "
    "enabled and within its per-participant budget. Supporting twice is a 409.",
    responses=problem_responses(401, 403, 404, 409, 422, 429),
)
async def support_contribution(contribution_id: uuid.UUID, db: DB, actor: Writer) -> SupportOut:
    return await supports.support(db, actor, contribution_id)


@router.delete(
    "/contributions/{contribution_id}/support",
    operation_id="withdrawSupport",
    summary="Withdraw your support",
    description="Gives the support back to your budget for this phase.",
    responses=problem_responses(401, 403, 404, 409, 429),
)
async def withdraw_support(contribution_id: uuid.UUID, db: DB, actor: Writer) -> SupportOut:
    return await supports.unsupport(db, actor, contribution_id)


@router.put(
    "/contributions/{contribution_id}/answer",
    operation_id="draftOfficialAnswer",
    summary="Write the official answer (not yet public)",
    description="Editors draft the state and the answer; only members see the draft until "
    "it is published.",
    responses=problem_responses(401, 403, 404, 409, 422, 429),
)
async def draft_answer(
    contribution_id: uuid.UUID, data: AnswerIn, db: DB, actor: Writer, response: Response
) -> ContributionOut:
    return _etag(response, await service.draft_answer(db, actor, contribution_id, data))


@router.post(
    "/contributions/{contribution_id}/answer/publish",
    operation_id="publishOfficialAnswer",
    summary="Publish the official answer",
    description="The drafted state and answer become public.",
    responses=problem_responses(401, 403, 404, 409, 429),
)
async def publish_answer(
    contribution_id: uuid.UUID, db: DB, actor: Writer, response: Response
) -> ContributionOut:
    return _etag(response, await service.publish_answer(db, actor, contribution_id))


@router.post(
    "/contributions/{contribution_id}/comments",
    status_code=201,
    operation_id="createComment",
    summary="Comment on a contribution",
    description="Threaded: `parent_id` answers another comment. Only in phases with comments.",
    responses=problem_responses(401, 403, 404, 409, 422, 429),
)
async def create_comment(
    contribution_id: uuid.UUID, data: CommentIn, db: DB, actor: Writer
) -> CommentOut:
    return await service.add_comment(db, actor, contribution_id, data)


@router.get(
    "/contributions/{contribution_id}/comments",
    operation_id="listComments",
    summary="List the comments on a contribution",
    description="Oldest first, with `parent_id` for threads. Same visibility as the contribution.",
    responses=problem_responses(400, 404),
)
async def list_comments(
    contribution_id: uuid.UUID, db: DB, actor: Reader, params: Pages, include_hidden: bool = False
) -> Page[CommentOut]:
    items, cursor = await service.list_comments(db, actor, contribution_id, params, include_hidden)
    return Page(items=items, next_cursor=cursor)
