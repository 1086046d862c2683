"""HTTP: a use case as JSON or a printable summary (the portfolio CSV is in `portfolio`)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from servicekit.problems import problem_responses
from usecase_service.exports import service
from usecase_service.exports.schemas import UseCaseExport
from usecase_service.http import DB, Caller, UseCaseId

router = APIRouter(prefix="/api/v1/use-cases/{use_case_id}", tags=["exports"])


@router.get(
    "/export",
    operation_id="exportUseCase",
    summary="A use case as a JSON document",
    description="All steps, computed figures and the status history.",
    responses=problem_responses(404),
)
async def export_use_case(use_case_id: UseCaseId, db: DB, principal: Caller) -> UseCaseExport:
    return await service.export_json(db, principal, use_case_id)


@router.get(
    "/summary",
    operation_id="getUseCaseSummary",
    summary="A printable one-page summary (HTML)",
    description="For council decisions: problem, process comparison, benefits, requirements, "
    "services and the cost-benefit analysis with its recommendation. Print to PDF from the "
    "browser (A4).",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {}}}, **problem_responses(404)},
)
async def summary(use_case_id: UseCaseId, db: DB, principal: Caller) -> HTMLResponse:
    return HTMLResponse(await service.summary_html(db, principal, use_case_id))
