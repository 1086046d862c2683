from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response

from participation_service.access import Actor, get_actor, get_writer
from participation_service.results import service
from participation_service.results.schemas import ProcessResults, PublishIn
from servicekit.db import Database
from servicekit.problems import problem_responses
from servicekit.runtime import get_db

router = APIRouter(prefix="/api/v1/processes", tags=["results"])
DB = Annotated[Database, Depends(get_db)]


@router.get(
    "/{process_id}/results",
    operation_id="getProcessResults",
    summary="Public results of a consultation (JSON export)",
    description="Counts, supports per contribution with the stakeholder-group breakdown, "
    "official answers and survey aggregates. Hidden content is left out; who supported what "
    "is never shown. Timestamps are rounded to the hour.",
    response_model=ProcessResults,
    responses=problem_responses(404),
)
async def get_results(
    process_id: uuid.UUID, db: DB, actor: Annotated[Actor, Depends(get_actor)]
) -> Response:
    # Built as plain data and sent as is: validating 10,000 rows again would double the time.
    return JSONResponse(await service.get(db, actor, process_id))


@router.get(
    "/{process_id}/results.csv",
    operation_id="exportProcessResultsCsv",
    summary="Results of a consultation as CSV",
    description="One row per contribution with supports per stakeholder group. Cells that a "
    "spreadsheet would evaluate as a formula are prefixed with an apostrophe.",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **problem_responses(404)},
)
async def export_csv(
    process_id: uuid.UUID, db: DB, actor: Annotated[Actor, Depends(get_actor)]
) -> Response:
    results = await service.get(db, actor, process_id)
    return Response(
        service.to_csv(results),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="results-{process_id}.csv"'},
    )


@router.post(
    "/{process_id}/results/publish",
    operation_id="publishProcessResults",
    summary="Publish the results of a consultation",
    description="Editors publish the results with a summary; emits "
    "`participation.results.published`, which the catalogue turns into an open dataset.",
    response_model=ProcessResults,
    responses=problem_responses(401, 403, 404, 409, 422, 429),
)
async def publish_results(
    process_id: uuid.UUID, data: PublishIn, db: DB, actor: Annotated[Actor, Depends(get_writer)]
) -> Response:
    return JSONResponse(await service.publish(db, actor, process_id, data))
