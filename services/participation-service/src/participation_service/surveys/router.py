from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from participation_service.access import Actor, get_actor, get_writer
from participation_service.surveys import service
from participation_service.surveys.schemas import (
    ResponseIn,
    ResponseOut,
    SurveyIn,
    SurveyOut,
    SurveyResults,
)
from servicekit.db import Database
from servicekit.problems import problem_responses
from servicekit.runtime import get_db

router = APIRouter(prefix="/api/v1", tags=["surveys"])
DB = Annotated[Database, Depends(get_db)]
Reader = Annotated[Actor, Depends(get_actor)]
Writer = Annotated[Actor, Depends(get_writer)]


@router.post(
    "/processes/{process_id}/surveys",
    status_code=201,
    operation_id="createSurvey",
    summary="Add a survey to a phase",
    description="Editors add a survey with single/multiple choice, scale 1-5, ranking and "
    "free-text questions, each optionally required or confidential.",
    responses=problem_responses(401, 403, 404, 409, 422, 429),
)
async def create_survey(process_id: uuid.UUID, data: SurveyIn, db: DB, actor: Writer) -> SurveyOut:
    return await service.create(db, actor, process_id, data)


@router.get(
    "/processes/{process_id}/surveys",
    operation_id="listSurveys",
    summary="List the surveys of a consultation",
    description="All surveys with their questions and whether they are open now.",
    responses=problem_responses(404),
)
async def list_surveys(process_id: uuid.UUID, db: DB, actor: Reader) -> list[SurveyOut]:
    return await service.list_(db, actor, process_id)


@router.get(
    "/surveys/{survey_id}",
    operation_id="getSurvey",
    summary="Get a survey",
    description="The questions and whether responses are accepted now.",
    responses=problem_responses(404),
)
async def get_survey(survey_id: uuid.UUID, db: DB, actor: Reader) -> SurveyOut:
    return await service.get(db, actor, survey_id)


@router.post(
    "/surveys/{survey_id}/responses",
    status_code=201,
    operation_id="answerSurvey",
    summary="Answer a survey",
    description="One response per participant, while the survey's phase is active. Answers "
    "map question ids to values: an option (single choice), a list of options (multiple "
    "choice), 1-5 (scale), all options best first (ranking) or plain text.",
    responses=problem_responses(401, 403, 404, 409, 422, 429),
)
async def answer_survey(
    survey_id: uuid.UUID, data: ResponseIn, db: DB, actor: Writer
) -> ResponseOut:
    return await service.respond(db, actor, survey_id, data)


@router.get(
    "/surveys/{survey_id}/results",
    operation_id="getSurveyResults",
    summary="Aggregated survey results",
    description="Counts per option with the stakeholder-group breakdown, scale means and "
    "ranking points; confidential questions show counts only. Never who answered what.",
    responses=problem_responses(404),
)
async def survey_results(survey_id: uuid.UUID, db: DB, actor: Reader) -> SurveyResults:
    return await service.results(db, actor, survey_id)
