"""Surveys per phase: one response per participant (unique constraint), required answers,
aggregated results where confidential questions show counts only."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import cast

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from participation_service.access import Actor, take_part, visible_process
from participation_service.processes.models import Process
from participation_service.surveys.answers import GivenAnswer, aggregate, check_answers
from participation_service.surveys.models import Answer, Question, Survey, SurveyResponse
from participation_service.surveys.schemas import (
    QuestionOut,
    ResponseIn,
    ResponseOut,
    SurveyIn,
    SurveyOut,
    SurveyResults,
)
from servicekit.db import Database, utcnow
from servicekit.identity import Role
from servicekit.problems import FieldError, NotFound, ProblemError


def to_out(survey: Survey, process: Process) -> SurveyOut:
    phase = process.current_phase(utcnow())
    return SurveyOut(
        id=survey.id,
        process_id=survey.process_id,
        phase_id=survey.phase_id,
        title=survey.title,
        description=survey.description,
        open=phase is not None and phase.id == survey.phase_id,
        questions=[QuestionOut.model_validate(q, from_attributes=True) for q in survey.questions],
    )


async def create(db: Database, actor: Actor, process_id: uuid.UUID, data: SurveyIn) -> SurveyOut:
    async with db.transaction() as session:
        process = await visible_process(session, actor, process_id)
        actor.principal.require_role(process.municipality, Role.EDITOR)
        if process.status == "closed":
            raise ProblemError(409, "A closed process gets no new surveys.")
        if data.phase_id not in {p.id for p in process.phases}:
            raise ProblemError(
                422,
                "The phase is not a phase of this process.",
                title="Validation failed",
                errors=[FieldError(field="body.phase_id", message="unknown phase")],
            )
        survey = Survey(
            process_id=process.id,
            phase_id=data.phase_id,
            municipality=process.municipality,
            title=data.title,
            description=data.description or "",
            created_at=utcnow(),
            questions=[
                Question(position=i, **q.model_dump()) for i, q in enumerate(data.questions)
            ],
        )
        session.add(survey)
        await session.flush()
        return to_out(survey, process)


async def _visible(
    session: AsyncSession, actor: Actor, survey_id: uuid.UUID
) -> tuple[Survey, Process]:
    survey = await session.get(Survey, survey_id)
    if survey is None:
        raise NotFound(f"Survey {survey_id} does not exist.")
    try:
        process = await visible_process(session, actor, survey.process_id)
    except NotFound:
        raise NotFound(f"Survey {survey_id} does not exist.") from None
    return survey, process


async def get(db: Database, actor: Actor, survey_id: uuid.UUID) -> SurveyOut:
    async with db.sessions() as session:
        survey, process = await _visible(session, actor, survey_id)
        return to_out(survey, process)


async def list_(db: Database, actor: Actor, process_id: uuid.UUID) -> list[SurveyOut]:
    async with db.sessions() as session:
        process = await visible_process(session, actor, process_id)
        surveys = (
            await session.scalars(
                select(Survey)
                .where(Survey.process_id == process.id)
                .order_by(Survey.created_at, Survey.id)
            )
        ).all()
        return [to_out(s, process) for s in surveys]


async def respond(
    db: Database, actor: Actor, survey_id: uuid.UUID, data: ResponseIn
) -> ResponseOut:
    try:
        async with db.transaction() as session:
            survey, process = await _visible(session, actor, survey_id)
            taking = await take_part(session, actor, process, utcnow(), guests_possible=False)
            if taking.phase.id != survey.phase_id:
                raise ProblemError(
                    409, "The survey's phase is not active; it takes no responses now."
                )
            valid, errors = check_answers(survey.questions, data.answers)
            if errors:
                raise ProblemError(
                    422,
                    "The answers are not valid: "
                    + "; ".join(f"{e.field}: {e.message}" for e in errors[:5]),
                    title="Validation failed",
                    errors=errors,
                )
            response = SurveyResponse(
                survey_id=survey.id,
                participant_id=cast(str, taking.participant_id),
                stakeholder_group=taking.stakeholder_group,
                created_at=utcnow(),
            )
            session.add(response)
            await session.flush()
            session.add_all(
                Answer(response_id=response.id, question_id=q, value=v) for q, v in valid.items()
            )
    except IntegrityError:
        raise ProblemError(
            409, "You have already answered this survey.", title="Already answered"
        ) from None
    return ResponseOut(survey_id=survey_id, answered=len(valid))


async def results_in(session: AsyncSession, survey: Survey) -> SurveyResults:
    rows = (
        await session.execute(
            select(Answer.question_id, SurveyResponse.stakeholder_group, Answer.value)
            .join(SurveyResponse, SurveyResponse.id == Answer.response_id)
            .where(SurveyResponse.survey_id == survey.id)
        )
    ).all()
    groups = Counter(
        (
            await session.scalars(
                select(SurveyResponse.stakeholder_group).where(
                    SurveyResponse.survey_id == survey.id
                )
            )
        ).all()
    )
    given = [GivenAnswer(q, g, v) for q, g, v in rows]
    return SurveyResults(
        survey_id=survey.id,
        title=survey.title,
        responses=sum(groups.values()),
        by_group=dict(groups),
        questions=[aggregate(q, given) for q in survey.questions],
    )


async def results(db: Database, actor: Actor, survey_id: uuid.UUID) -> SurveyResults:
    async with db.sessions() as session:
        survey, _ = await _visible(session, actor, survey_id)
        return await results_in(session, survey)
