"""HTTP: /api/v1/use-cases (CRUD, lifecycle, history, adoption)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from servicekit.concurrency import set_etag
from servicekit.pagination import Page, PageParams, page_params
from servicekit.problems import problem_responses
from usecase_service.http import DB, Caller, IfMatch, UseCaseId
from usecase_service.usecases import service
from usecase_service.usecases.schemas import (
    AdoptIn,
    History,
    HistoryEntry,
    TransitionIn,
    UseCaseCreate,
    UseCaseDetail,
    UseCasePatch,
    UseCaseSummary,
)
from usecase_service.vocab import FieldOfAction, Status, Visibility

router = APIRouter(prefix="/api/v1/use-cases", tags=["use cases"])
WRITE_ERRORS = problem_responses(401, 403, 404, 412, 422)


def answer(response: Response, detail: UseCaseDetail) -> UseCaseDetail:
    set_etag(response, detail.id, detail.version)
    return detail


@router.post(
    "",
    status_code=201,
    operation_id="createUseCase",
    summary="Create a use case",
    description="Editors of the municipality create a draft. A public one is published at once "
    "(`usecase.usecase.published`). Send `Idempotency-Key` to make retries safe.",
    responses=problem_responses(401, 403, 409, 422),
)
async def create_use_case(
    data: UseCaseCreate, db: DB, principal: Caller, response: Response
) -> UseCaseDetail:
    detail = await service.create(db, principal, data)
    response.headers["Location"] = f"/api/v1/use-cases/{detail.id}"
    return answer(response, detail)


@router.get(
    "",
    operation_id="listUseCases",
    summary="List use cases",
    description="Public use cases of every municipality, plus the internal ones of the "
    "caller's municipalities. Newest first, cursor-paged.",
    responses=problem_responses(400, 422),
)
async def list_use_cases(
    db: DB,
    principal: Caller,
    params: Annotated[PageParams, Depends(page_params)],
    municipality: Annotated[str | None, Query(max_length=63)] = None,
    status: Status | None = None,
    field_of_action: FieldOfAction | None = None,
    tag: Annotated[str | None, Query(max_length=50)] = None,
    q: Annotated[str | None, Query(max_length=200, description="Text in title or summary.")] = None,
    visibility: Visibility | None = None,
    flagged: Annotated[
        bool | None, Query(description="Only those needing a withdrawn dataset.")
    ] = None,
) -> Page[UseCaseSummary]:
    filters = service.Filters(municipality, status, field_of_action, tag, q, visibility, flagged)
    rows, cursor = await service.list_use_cases(db, principal, filters, params)
    return Page(items=[UseCaseSummary.model_validate(r) for r in rows], next_cursor=cursor)


@router.get(
    "/{use_case_id}",
    operation_id="getUseCase",
    summary="Read a use case with all steps",
    description="All six steps, the computed process comparison and cost-benefit analysis, "
    "what each step still lacks, and participation results. Others' internal ones are 404.",
    responses=problem_responses(404),
)
async def get_use_case(
    use_case_id: UseCaseId, db: DB, principal: Caller, response: Response
) -> UseCaseDetail:
    return answer(response, await service.get(db, principal, use_case_id))


@router.patch(
    "/{use_case_id}",
    operation_id="updateUseCase",
    summary="Change some fields of a use case",
    description="Only the fields sent change. Making it public publishes it.",
    responses=WRITE_ERRORS,
)
async def update_use_case(
    use_case_id: UseCaseId,
    data: UseCasePatch,
    db: DB,
    principal: Caller,
    response: Response,
    if_match: IfMatch = None,
) -> UseCaseDetail:
    return answer(response, await service.patch(db, principal, use_case_id, data, if_match))


@router.delete(
    "/{use_case_id}",
    status_code=204,
    operation_id="archiveUseCase",
    summary="Archive a use case",
    description="It disappears from lists and reads (`usecase.usecase.archived`); its data "
    "needs are withdrawn (`usecase.data_requirement.removed`).",
    responses=WRITE_ERRORS,
)
async def archive_use_case(
    use_case_id: UseCaseId, db: DB, principal: Caller, if_match: IfMatch = None
) -> Response:
    await service.archive(db, principal, use_case_id, if_match)
    return Response(status_code=204)


@router.post(
    "/{use_case_id}/transitions",
    operation_id="transitionUseCase",
    summary="Move a use case to another status",
    description="Forward moves need the steps up to the target complete (409 lists what is "
    "missing). Approve, reject and defer are for admins. Going back to revise needs a reason "
    "and bumps `revision`. Every move is recorded in the history.",
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
async def transition_use_case(
    use_case_id: UseCaseId,
    data: TransitionIn,
    db: DB,
    principal: Caller,
    response: Response,
    if_match: IfMatch = None,
) -> UseCaseDetail:
    detail = await service.transition(db, principal, use_case_id, data, if_match)
    return answer(response, detail)


@router.get(
    "/{use_case_id}/history",
    operation_id="getUseCaseHistory",
    summary="Read a use case's status history",
    description="Who moved it from which status to which, when and why, oldest first.",
    responses=problem_responses(404),
)
async def get_history(use_case_id: UseCaseId, db: DB, principal: Caller) -> History:
    rows = await service.history(db, principal, use_case_id)
    return History(items=[HistoryEntry.model_validate(r) for r in rows])


@router.post(
    "/{use_case_id}/adopt",
    status_code=201,
    operation_id="adoptUseCase",
    summary="Copy a public use case into your municipality",
    description="A new internal draft with all steps and data needs, recording where it came "
    "from (`adopted_from`).",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def adopt_use_case(
    use_case_id: UseCaseId, data: AdoptIn, db: DB, principal: Caller, response: Response
) -> UseCaseDetail:
    detail = await service.adopt(db, principal, use_case_id, data)
    response.headers["Location"] = f"/api/v1/use-cases/{detail.id}"
    return answer(response, detail)
