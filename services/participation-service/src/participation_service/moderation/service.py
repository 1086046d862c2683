"""Reports that hide content automatically, the moderators' queue and actions, the audit log."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from participation_service.access import Actor, insert_ignore
from participation_service.common import sort_key
from participation_service.contributions import service as contributions
from participation_service.contributions.models import Comment, Contribution
from participation_service.moderation.models import ModerationEntry, Report
from participation_service.moderation.schemas import (
    ActionIn,
    LogEntry,
    QueueItem,
    ReportIn,
    ReportOut,
)
from participation_service.participants.models import Block
from servicekit.db import Database, utcnow
from servicekit.identity import Role
from servicekit.pagination import PageParams, paginate
from servicekit.problems import Conflict, NotFound, ProblemError

SYSTEM = "system:auto-hide"


def _log(
    session: AsyncSession,
    municipality: str,
    actor: str,
    action: str,
    target_type: str,
    target_id: object,
    reason: str,
) -> None:
    session.add(
        ModerationEntry(
            municipality=municipality,
            actor=actor,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            reason=reason,
            created_at=utcnow(),
        )
    )


async def _target(
    session: AsyncSession, actor: Actor, target_type: str, target_id: uuid.UUID
) -> Contribution | Comment:
    if target_type == "contribution":
        contribution, _ = await contributions.load(session, actor, target_id)
        return contribution
    comment = await session.get(Comment, target_id)
    if comment is None:
        raise NotFound(f"Comment {target_id} does not exist.")
    await contributions.load(session, actor, comment.contribution_id)
    if not comment.visible and not actor.principal.has_role(comment.municipality, Role.MODERATOR):
        raise NotFound(f"Comment {target_id} does not exist.")
    return comment


async def report(
    db: Database,
    actor: Actor,
    target_type: str,
    target_id: uuid.UUID,
    data: ReportIn,
    threshold: int,
) -> ReportOut:
    reporter = actor.require_participant()
    model: Any = Contribution if target_type == "contribution" else Comment
    try:
        async with db.transaction() as session:
            target = await _target(session, actor, target_type, target_id)
            session.add(
                Report(
                    municipality=target.municipality,
                    target_type=target_type,
                    target_id=target.id,
                    reporter_id=reporter,
                    reason=data.reason,
                    details=data.details,
                    created_at=utcnow(),
                )
            )
            await session.flush()
            count = await session.scalar(
                update(model)
                .where(model.id == target.id)
                .values(report_count=model.report_count + 1)
                .returning(model.report_count)
            )
            hidden = bool(await session.scalar(select(model.hidden).where(model.id == target.id)))
            if not hidden and count is not None and count >= threshold:
                await session.execute(
                    update(model).where(model.id == target.id).values(hidden=True)
                )
                _log(
                    session,
                    target.municipality,
                    SYSTEM,
                    "hide",
                    target_type,
                    target.id,
                    f"{count} reports (threshold {threshold})",
                )
                hidden = True
    except IntegrityError:
        raise ProblemError(
            409, "You have already reported this.", title="Already reported"
        ) from None
    return ReportOut(target_type=target_type, target_id=target_id, reported=True, hidden=hidden)


async def act(db: Database, actor: Actor, data: ActionIn) -> LogEntry:
    actor.principal.require_authenticated()
    who = f"{actor.principal.kind.value}:{actor.principal.subject}"
    async with db.transaction() as session:
        if data.target_type == "participant":
            municipality = data.municipality or ""
            actor.principal.require_role(municipality, Role.MODERATOR)
            pid = data.target_id
            blocked = data.action == "block"
            if blocked:
                await insert_ignore(
                    session,
                    Block.__table__,
                    {
                        "participant_id": pid,
                        "municipality": municipality,
                        "reason": data.reason,
                        "created_at": utcnow(),
                    },
                )
            else:
                gone = await session.execute(
                    delete(Block).where(
                        Block.participant_id == pid, Block.municipality == municipality
                    )
                )
                if not gone.rowcount:  # type: ignore[attr-defined]
                    raise NotFound("This participant is not blocked here.")
            for authored in (Contribution, Comment):
                await session.execute(
                    update(authored)
                    .where(authored.author_id == pid, authored.municipality == municipality)
                    .values(author_blocked=blocked)
                )
        else:
            try:
                target_id = uuid.UUID(data.target_id)
            except ValueError:
                raise NotFound("No such content.") from None
            content: Any = Contribution if data.target_type == "contribution" else Comment
            target = await session.get(content, target_id)
            if target is None:
                raise NotFound("No such content.")
            municipality = target.municipality
            actor.principal.require_role(municipality, Role.MODERATOR, hide=True)
            hide = data.action == "hide"
            if target.hidden == hide:
                raise Conflict(
                    f"The {data.target_type} is already {'hidden' if hide else 'visible'}."
                )
            target.hidden = hide
        entry = ModerationEntry(
            municipality=municipality,
            actor=who,
            action=data.action,
            target_type=data.target_type,
            target_id=data.target_id,
            reason=data.reason,
            created_at=utcnow(),
        )
        session.add(entry)
        await session.flush()
        return LogEntry.model_validate(entry, from_attributes=True)


async def queue(
    db: Database, actor: Actor, municipality: str, target_type: str, params: PageParams
) -> tuple[list[QueueItem], str | None]:
    actor.principal.require_role(municipality, Role.MODERATOR)
    model: Any = Contribution if target_type == "contribution" else Comment
    stmt = select(model).where(
        model.municipality == municipality,
        (model.report_count > 0) | model.hidden.is_(True) | model.author_blocked.is_(True),
    )
    async with db.sessions() as session:
        rows, cursor = await paginate(
            session,
            stmt,
            [
                sort_key(model.report_count, descending=True, attribute="report_count"),
                sort_key(model.id, attribute="id"),
            ],
            params,
        )
        reasons: dict[uuid.UUID, dict[str, int]] = {}
        for target, reason, n in await session.execute(
            select(Report.target_id, Report.reason, func.count())
            .where(Report.target_id.in_([r.id for r in rows]))
            .group_by(Report.target_id, Report.reason)
        ):
            reasons.setdefault(target, {})[reason] = n
        process_of: dict[uuid.UUID, uuid.UUID] = {}
        if model is Comment:
            process_of = dict(
                (
                    await session.execute(
                        select(Contribution.id, Contribution.process_id).where(
                            Contribution.id.in_({r.contribution_id for r in rows})
                        )
                    )
                ).all()
            )
    items = [
        QueueItem(
            target_type=target_type,
            target_id=r.id,
            process_id=r.process_id if model is Contribution else process_of[r.contribution_id],
            author_id=r.author_id,
            text=f"{r.title}\n\n{r.body}" if model is Contribution else r.body,
            hidden=r.hidden,
            author_blocked=r.author_blocked,
            reports=r.report_count,
            reasons=reasons.get(r.id, {}),
        )
        for r in rows
    ]
    return items, cursor


async def log(
    db: Database, actor: Actor, municipality: str, params: PageParams
) -> tuple[list[LogEntry], str | None]:
    actor.principal.require_role(municipality, Role.MODERATOR)
    async with db.sessions() as session:
        rows, cursor = await paginate(
            session,
            select(ModerationEntry).where(ModerationEntry.municipality == municipality),
            [
                sort_key(ModerationEntry.created_at, descending=True, attribute="created_at"),
                sort_key(ModerationEntry.id, attribute="id"),
            ],
            params,
        )
    return [LogEntry.model_validate(r, from_attributes=True) for r in rows], cursor
