"""Profiles, GDPR export and deletion. Deletion keeps anonymised supports and survey answers
(re-pointed to a fresh unlinkable id) so published results stay valid."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from participation_service.access import Actor
from participation_service.contributions.models import Comment, Contribution, Support, SupportBudget
from participation_service.moderation.models import Report
from participation_service.participants.models import Block, Participant
from participation_service.participants.schemas import DataExport, Deletion, ProfileIn, ProfileOut
from participation_service.processes.models import Invitation
from participation_service.pseudonyms import anonymous_id
from participation_service.surveys.models import Answer, Question, SurveyResponse
from servicekit.db import Database, utcnow
from servicekit.problems import NotFound


def profile_out(p: Participant) -> ProfileOut:
    return ProfileOut(
        id=p.id,
        display_name=p.display_name,
        stakeholder_group=p.stakeholder_group,
        created_at=p.created_at,
    )


async def get_profile(db: Database, actor: Actor) -> ProfileOut:
    pid = actor.require_participant()
    async with db.sessions() as session:
        participant = await session.get(Participant, pid)
    if participant is None:
        raise NotFound("You have no participant profile yet; PUT /api/v1/participants/me.")
    return profile_out(participant)


async def put_profile(db: Database, actor: Actor, data: ProfileIn) -> ProfileOut:
    pid = actor.require_participant()
    async with db.transaction() as session:
        participant = await session.get(Participant, pid)
        if participant is None:
            participant = Participant(id=pid, created_at=utcnow())
            session.add(participant)
        participant.display_name = data.display_name
        participant.stakeholder_group = data.stakeholder_group
        participant.updated_at = utcnow()
    return profile_out(participant)


def _row(obj: Any, *fields: str) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


async def export(db: Database, actor: Actor) -> DataExport:
    pid = actor.require_participant()
    async with db.sessions() as session:
        participant = await session.get(Participant, pid)
        contributions = (
            await session.scalars(select(Contribution).where(Contribution.author_id == pid))
        ).all()
        comments = (await session.scalars(select(Comment).where(Comment.author_id == pid))).all()
        supports = (
            await session.scalars(select(Support).where(Support.participant_id == pid))
        ).all()
        responses = (
            await session.scalars(
                select(SurveyResponse).where(SurveyResponse.participant_id == pid)
            )
        ).all()
        answers = (
            await session.execute(
                select(Answer.response_id, Question.text, Answer.value)
                .join(Question, Question.id == Answer.question_id)
                .where(Answer.response_id.in_([r.id for r in responses]))
            )
        ).all()
        reports = (await session.scalars(select(Report).where(Report.reporter_id == pid))).all()
        blocks = (await session.scalars(select(Block).where(Block.participant_id == pid))).all()
        invitations = (
            await session.scalars(
                select(Invitation.process_id).where(Invitation.participant_id == pid)
            )
        ).all()
    by_response: dict[Any, list[dict[str, Any]]] = {}
    for response_id, question, value in answers:
        by_response.setdefault(response_id, []).append({"question": question, "value": value})
    return DataExport(
        profile=profile_out(participant) if participant else None,
        contributions=[
            _row(
                c,
                "id",
                "process_id",
                "kind",
                "title",
                "body",
                "category",
                "geometry",
                "stakeholder_group",
                "state",
                "created_at",
            )
            for c in contributions
        ],
        comments=[
            _row(c, "id", "contribution_id", "parent_id", "body", "created_at") for c in comments
        ],
        supports=[_row(s, "contribution_id", "process_id", "created_at") for s in supports],
        survey_responses=[
            {
                **_row(r, "survey_id", "stakeholder_group", "created_at"),
                "answers": by_response.get(r.id, []),
            }
            for r in responses
        ],
        reports=[
            _row(r, "target_type", "target_id", "reason", "details", "created_at") for r in reports
        ],
        blocks=[_row(b, "municipality", "reason", "created_at") for b in blocks],
        invitations=[str(i) for i in invitations],
    )


async def delete_me(db: Database, actor: Actor) -> Deletion:
    pid = actor.require_participant()
    anon = anonymous_id()
    async with db.transaction() as session:
        supports = await session.execute(
            update(Support).where(Support.participant_id == pid).values(participant_id=anon)
        )
        await session.execute(
            update(SupportBudget)
            .where(SupportBudget.participant_id == pid)
            .values(participant_id=anon)
        )
        response_ids = (
            await session.scalars(
                select(SurveyResponse.id).where(SurveyResponse.participant_id == pid)
            )
        ).all()
        # Free-text answers may hold personal data: keep that an answer was given, drop the text.
        text_questions = select(Question.id).where(Question.kind == "text")
        await session.execute(
            update(Answer)
            .where(Answer.response_id.in_(response_ids), Answer.question_id.in_(text_questions))
            .values(value="")
        )
        await session.execute(
            update(SurveyResponse)
            .where(SurveyResponse.participant_id == pid)
            .values(participant_id=anon)
        )
        contributions = await session.execute(
            update(Contribution).where(Contribution.author_id == pid).values(author_id=anon)
        )
        comments = await session.execute(
            update(Comment).where(Comment.author_id == pid).values(author_id=anon)
        )
        await session.execute(
            update(Report).where(Report.reporter_id == pid).values(reporter_id=anon)
        )
        await session.execute(delete(Block).where(Block.participant_id == pid))
        await session.execute(delete(Invitation).where(Invitation.participant_id == pid))
        deleted = await session.execute(delete(Participant).where(Participant.id == pid))
    return Deletion(
        deleted=bool(deleted.rowcount),  # type: ignore[attr-defined]
        anonymised_supports=supports.rowcount,  # type: ignore[attr-defined]
        anonymised_survey_responses=len(response_ids),
        anonymised_contributions=contributions.rowcount,  # type: ignore[attr-defined]
        anonymised_comments=comments.rowcount,  # type: ignore[attr-defined]
    )
