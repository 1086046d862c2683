"""Contributions, comments, supports and official answers."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from participation_service.access import (
    Actor,
    Taking,
    take_part,
    visible_process,
)
from participation_service.common import hour, sort_key
from participation_service.contributions.models import Comment, Contribution, Support
from participation_service.contributions.schemas import (
    AnswerIn,
    CommentIn,
    CommentOut,
    ContributionIn,
    ContributionOut,
    ContributionPatch,
)
from participation_service.participants.models import Participant
from participation_service.processes.models import Process
from servicekit.concurrency import check_if_match
from servicekit.db import Database, utcnow
from servicekit.identity import Role
from servicekit.pagination import PageParams, paginate
from servicekit.problems import Conflict, FieldError, Forbidden, NotFound, ProblemError

MAX_COMMENT_DEPTH = 6
CLOSED_STATES = ("withdrawn", "rejected")


def moderates(actor: Actor, municipality: str) -> bool:
    return actor.principal.has_role(municipality, Role.MODERATOR, Role.EDITOR)


async def _names(session: AsyncSession, author_ids: set[str | None]) -> dict[str, str | None]:
    ids = [a for a in author_ids if a]
    if not ids:
        return {}
    rows = await session.execute(
        select(Participant.id, Participant.display_name).where(Participant.id.in_(ids))
    )
    return dict(rows.all())


async def outs(
    session: AsyncSession, actor: Actor, rows: Sequence[Contribution]
) -> list[ContributionOut]:
    ids = [c.id for c in rows]
    supports = dict(
        (
            await session.execute(
                select(Support.contribution_id, func.count())
                .where(Support.contribution_id.in_(ids))
                .group_by(Support.contribution_id)
            )
        ).all()
    )
    comments = dict(
        (
            await session.execute(
                select(Comment.contribution_id, func.count())
                .where(
                    Comment.contribution_id.in_(ids),
                    Comment.hidden.is_(False),
                    Comment.author_blocked.is_(False),
                )
                .group_by(Comment.contribution_id)
            )
        ).all()
    )
    names = await _names(session, {c.author_id for c in rows})
    result = []
    for c in rows:
        member = actor.is_member(c.municipality)
        result.append(
            ContributionOut(
                id=c.id,
                process_id=c.process_id,
                phase_id=c.phase_id,
                kind=c.kind,
                title=c.title,
                body=c.body,
                category=c.category,
                geometry=c.geometry,
                stakeholder_group=c.stakeholder_group,
                author_name=names.get(c.author_id or ""),
                mine=c.author_id is not None and c.author_id == actor.participant_id,
                source=c.source,
                state=c.state,
                answer=c.answer,
                answered_at=hour(c.answered_at) if c.answered_at else None,
                supports=supports.get(c.id, 0),
                comments=comments.get(c.id, 0),
                hidden=not c.visible,
                created_at=hour(c.created_at),
                version=c.version,
                draft_state=c.draft_state if member else None,
                draft_answer=c.draft_answer if member else None,
            )
        )
    return result


async def load(
    session: AsyncSession, actor: Actor, contribution_id: uuid.UUID
) -> tuple[Contribution, Process]:
    """The contribution if the actor may see it (hidden ones only for moderators/editors)."""
    contribution = await session.get(Contribution, contribution_id)
    if contribution is None:
        raise NotFound(f"Contribution {contribution_id} does not exist.")
    try:
        process = await visible_process(session, actor, contribution.process_id)
    except NotFound:
        raise NotFound(f"Contribution {contribution_id} does not exist.") from None
    if not contribution.visible and not moderates(actor, contribution.municipality):
        raise NotFound(f"Contribution {contribution_id} does not exist.")
    return contribution, process


async def create_in(
    session: AsyncSession,
    process: Process,
    taking: Taking,
    data: ContributionIn,
    *,
    source: str = "api",
) -> Contribution:
    """Shared by the API and Open311: the phase must accept this kind of contribution."""
    if data.kind not in taking.phase.contribution_types:
        raise ProblemError(
            409,
            f"The current phase '{taking.phase.title}' does not accept contributions of kind "
            f"'{data.kind}'.",
        )
    if data.category is not None and process.categories and data.category not in process.categories:
        raise ProblemError(
            422,
            "Unknown category for this process.",
            title="Validation failed",
            errors=[FieldError(field="body.category", message=f"one of {process.categories}")],
        )
    now = utcnow()
    contribution = Contribution(
        process_id=process.id,
        phase_id=taking.phase.id,
        municipality=process.municipality,
        kind=data.kind,
        title=data.title,
        body=data.body,
        category=data.category,
        geometry=data.geometry.model_dump() if data.geometry else None,
        author_id=taking.participant_id,
        stakeholder_group=taking.stakeholder_group,
        source=source,
        state="submitted",
        hidden=False,
        author_blocked=False,
        report_count=0,
        created_at=now,
        updated_at=now,
        version=1,
    )
    session.add(contribution)
    await session.flush()
    return contribution


async def create(
    db: Database, actor: Actor, process_id: uuid.UUID, data: ContributionIn
) -> ContributionOut:
    async with db.transaction() as session:
        process = await visible_process(session, actor, process_id)
        taking = await take_part(
            session, actor, process, utcnow(), guest_group=data.stakeholder_group
        )
        contribution = await create_in(session, process, taking, data)
        return (await outs(session, actor, [contribution]))[0]


async def list_(
    db: Database,
    actor: Actor,
    process_id: uuid.UUID,
    params: PageParams,
    *,
    kind: str | None,
    category: str | None,
    state: str | None,
    include_hidden: bool,
) -> tuple[list[ContributionOut], str | None]:
    async with db.sessions() as session:
        process = await visible_process(session, actor, process_id)
        stmt = select(Contribution).where(Contribution.process_id == process.id)
        if not (include_hidden and moderates(actor, process.municipality)):
            stmt = stmt.where(
                Contribution.hidden.is_(False), Contribution.author_blocked.is_(False)
            )
        if kind:
            stmt = stmt.where(Contribution.kind == kind)
        if category:
            stmt = stmt.where(Contribution.category == category)
        if state:
            stmt = stmt.where(Contribution.state == state)
        rows, cursor = await paginate(
            session,
            stmt,
            [
                sort_key(Contribution.created_at, descending=True, attribute="created_at"),
                sort_key(Contribution.id, attribute="id"),
            ],
            params,
        )
        return await outs(session, actor, rows), cursor


async def get(db: Database, actor: Actor, contribution_id: uuid.UUID) -> ContributionOut:
    async with db.sessions() as session:
        contribution, _ = await load(session, actor, contribution_id)
        return (await outs(session, actor, [contribution]))[0]


def _require_author(actor: Actor, contribution: Contribution) -> None:
    pid = actor.require_participant()
    if contribution.author_id != pid:
        raise Forbidden("Only the author may change or withdraw this contribution.")


async def update_(
    db: Database,
    actor: Actor,
    contribution_id: uuid.UUID,
    data: ContributionPatch,
    if_match: str | None,
) -> ContributionOut:
    async with db.transaction() as session:
        contribution, process = await load(session, actor, contribution_id)
        _require_author(actor, contribution)
        check_if_match(if_match, contribution.id, contribution.version)
        phase = process.current_phase(utcnow())
        if contribution.state != "submitted" or phase is None or phase.id != contribution.phase_id:
            raise Conflict("Contributions can be edited only while submitted, in their phase.")
        for key, value in data.model_dump(exclude_unset=True).items():
            if key == "title" and value is None:
                continue
            if key == "body" and value is None:
                continue
            if (
                key == "category"
                and value is not None
                and process.categories
                and value not in process.categories
            ):
                raise ProblemError(
                    422,
                    "Unknown category for this process.",
                    title="Validation failed",
                    errors=[
                        FieldError(field="body.category", message=f"one of {process.categories}")
                    ],
                )
            setattr(contribution, key, value)
        contribution.version += 1
        contribution.updated_at = utcnow()
        await session.flush()
        return (await outs(session, actor, [contribution]))[0]


async def withdraw(db: Database, actor: Actor, contribution_id: uuid.UUID) -> ContributionOut:
    async with db.transaction() as session:
        contribution, _ = await load(session, actor, contribution_id)
        _require_author(actor, contribution)
        if contribution.state == "withdrawn":
            raise Conflict("The contribution is already withdrawn.")
        contribution.state = "withdrawn"
        contribution.version += 1
        contribution.updated_at = utcnow()
        return (await outs(session, actor, [contribution]))[0]


async def draft_answer(
    db: Database, actor: Actor, contribution_id: uuid.UUID, data: AnswerIn
) -> ContributionOut:
    async with db.transaction() as session:
        contribution, _ = await load(session, actor, contribution_id)
        actor.principal.require_role(contribution.municipality, Role.EDITOR)
        if contribution.state == "withdrawn":
            raise Conflict("A withdrawn contribution gets no official answer.")
        contribution.draft_state = data.state
        contribution.draft_answer = data.answer
        contribution.version += 1
        await session.flush()
        return (await outs(session, actor, [contribution]))[0]


async def publish_answer(db: Database, actor: Actor, contribution_id: uuid.UUID) -> ContributionOut:
    async with db.transaction() as session:
        contribution, _ = await load(session, actor, contribution_id)
        actor.principal.require_role(contribution.municipality, Role.EDITOR)
        if contribution.draft_state is None or contribution.draft_answer is None:
            raise Conflict("There is no drafted answer to publish; PUT one first.")
        if contribution.state == "withdrawn":
            raise Conflict("A withdrawn contribution gets no official answer.")
        contribution.state = contribution.draft_state
        contribution.answer = contribution.draft_answer
        contribution.answered_at = utcnow()
        contribution.draft_state = None
        contribution.draft_answer = None
        contribution.version += 1
        await session.flush()
        return (await outs(session, actor, [contribution]))[0]


def comment_out(actor: Actor, c: Comment, names: dict[str, str | None]) -> CommentOut:
    return CommentOut(
        id=c.id,
        contribution_id=c.contribution_id,
        parent_id=c.parent_id,
        body=c.body,
        stakeholder_group=c.stakeholder_group,
        author_name=names.get(c.author_id or ""),
        mine=c.author_id is not None and c.author_id == actor.participant_id,
        hidden=not c.visible,
        created_at=hour(c.created_at),
    )


async def add_comment(
    db: Database, actor: Actor, contribution_id: uuid.UUID, data: CommentIn
) -> CommentOut:
    async with db.transaction() as session:
        contribution, process = await load(session, actor, contribution_id)
        taking = await take_part(
            session, actor, process, utcnow(), guest_group=data.stakeholder_group
        )
        if not taking.phase.comments_enabled:
            raise ProblemError(409, f"Comments are not open in the phase '{taking.phase.title}'.")
        depth = 0
        if data.parent_id is not None:
            parent = await session.get(Comment, data.parent_id)
            if parent is None or parent.contribution_id != contribution.id or not parent.visible:
                raise ProblemError(
                    422,
                    "The parent comment is not a visible comment on this contribution.",
                    title="Validation failed",
                    errors=[FieldError(field="body.parent_id", message="no such comment here")],
                )
            depth = parent.depth + 1
            if depth > MAX_COMMENT_DEPTH:
                raise ProblemError(409, f"Threads are at most {MAX_COMMENT_DEPTH} replies deep.")
        comment = Comment(
            contribution_id=contribution.id,
            parent_id=data.parent_id,
            municipality=contribution.municipality,
            body=data.body,
            author_id=taking.participant_id,
            stakeholder_group=taking.stakeholder_group,
            depth=depth,
            hidden=False,
            author_blocked=False,
            report_count=0,
            created_at=utcnow(),
        )
        session.add(comment)
        await session.flush()
        return comment_out(actor, comment, await _names(session, {comment.author_id}))


async def list_comments(
    db: Database, actor: Actor, contribution_id: uuid.UUID, params: PageParams, include_hidden: bool
) -> tuple[list[CommentOut], str | None]:
    async with db.sessions() as session:
        contribution, _ = await load(session, actor, contribution_id)
        stmt = select(Comment).where(Comment.contribution_id == contribution.id)
        if not (include_hidden and moderates(actor, contribution.municipality)):
            stmt = stmt.where(Comment.hidden.is_(False), Comment.author_blocked.is_(False))
        rows, cursor = await paginate(
            session,
            stmt,
            [
                sort_key(Comment.created_at, attribute="created_at"),
                sort_key(Comment.id, attribute="id"),
            ],
            params,
        )
        names = await _names(session, {c.author_id for c in rows})
        return [comment_out(actor, c, names) for c in rows], cursor
