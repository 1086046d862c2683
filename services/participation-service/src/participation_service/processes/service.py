"""Processes (consultations): creation on published use cases, phases, opening, closing."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from participation_service.access import Actor, insert_ignore, visible_process
from participation_service.common import hour, sort_key
from participation_service.database import outbox, tenants
from participation_service.processes.models import Invitation, Phase, Process
from participation_service.processes.schemas import (
    InvitationsIn,
    PhaseIn,
    PhaseOut,
    ProcessIn,
    ProcessOut,
    ProcessPatch,
)
from participation_service.pseudonyms import pseudonym
from participation_service.usecases.models import UseCaseView
from servicekit.concurrency import check_if_match
from servicekit.db import Database, utcnow
from servicekit.identity import Role
from servicekit.pagination import PageParams, paginate
from servicekit.problems import Conflict, FieldError, ProblemError


def to_out(process: Process, use_case_title: str | None) -> ProcessOut:
    current = process.current_phase(utcnow())
    return ProcessOut(
        id=process.id,
        municipality=process.municipality,
        use_case_id=process.use_case_id,
        use_case_title=use_case_title,
        title=process.title,
        description=process.description,
        visibility=process.visibility,
        allow_guests=process.allow_guests,
        categories=list(process.categories),
        status=process.status,
        current_phase_id=current.id if current else None,
        phases=[PhaseOut.model_validate(p, from_attributes=True) for p in process.phases],
        results_published_at=hour(process.results_published_at)
        if process.results_published_at
        else None,
        created_at=hour(process.created_at),
        version=process.version,
    )


async def _title(session: AsyncSession, use_case_id: uuid.UUID) -> str | None:
    return await session.scalar(select(UseCaseView.title).where(UseCaseView.id == use_case_id))


def _phases(phases: Sequence[PhaseIn]) -> list[Phase]:
    return [Phase(position=i, **p.model_dump()) for i, p in enumerate(phases)]


async def create(db: Database, actor: Actor, data: ProcessIn) -> ProcessOut:
    async with db.transaction() as session:
        use_case = await session.get(UseCaseView, data.use_case_id)
        if use_case is None or not use_case.can_have_process:
            if use_case is not None:
                actor.principal.require_role(use_case.municipality, Role.EDITOR)
            raise ProblemError(
                422,
                "The use case is unknown here or not published and public; processes can "
                "only be attached to published use cases.",
                title="Validation failed",
                errors=[FieldError(field="body.use_case_id", message="no published use case")],
            )
        actor.principal.require_role(use_case.municipality, Role.EDITOR)
        await tenants.require(session, use_case.municipality)
        now = utcnow()
        process = Process(
            municipality=use_case.municipality,
            use_case_id=use_case.id,
            title=data.title,
            description=data.description or "",
            visibility=data.visibility,
            allow_guests=data.allow_guests,
            categories=data.categories,
            status="draft",
            created_at=now,
            updated_at=now,
            version=1,
            phases=_phases(data.phases),
        )
        session.add(process)
        await session.flush()
        return to_out(process, use_case.title)


async def get(db: Database, actor: Actor, process_id: uuid.UUID) -> ProcessOut:
    async with db.sessions() as session:
        process = await visible_process(session, actor, process_id)
        return to_out(process, await _title(session, process.use_case_id))


def visible_filter(stmt: Select[Any], actor: Actor) -> Select[Any]:
    member_of = list(actor.principal.memberships)
    if actor.principal.platform_admin:
        return stmt
    clauses: list[ColumnElement[bool]] = [
        (Process.status != "draft") & (Process.visibility == "public")
    ]
    if member_of:
        clauses.append(Process.municipality.in_(member_of))
    if actor.participant_id:
        invited = select(Invitation.process_id).where(
            Invitation.participant_id == actor.participant_id
        )
        clauses.append((Process.status != "draft") & Process.id.in_(invited))
    return stmt.where(or_(*clauses))


async def list_(
    db: Database,
    actor: Actor,
    params: PageParams,
    *,
    municipality: str | None,
    use_case_id: uuid.UUID | None,
    status: str | None,
) -> tuple[list[ProcessOut], str | None]:
    stmt = visible_filter(select(Process), actor)
    if municipality:
        stmt = stmt.where(Process.municipality == municipality)
    if use_case_id:
        stmt = stmt.where(Process.use_case_id == use_case_id)
    if status:
        stmt = stmt.where(Process.status == status)
    async with db.sessions() as session:
        rows, cursor = await paginate(
            session,
            stmt,
            [
                sort_key(Process.created_at, descending=True, attribute="created_at"),
                sort_key(Process.id, attribute="id"),
            ],
            params,
        )
        titles = dict(
            (
                await session.execute(
                    select(UseCaseView.id, UseCaseView.title).where(
                        UseCaseView.id.in_({p.use_case_id for p in rows})
                    )
                )
            ).all()
        )
        return [to_out(p, titles.get(p.use_case_id)) for p in rows], cursor


async def _editable(
    session: AsyncSession, actor: Actor, process_id: uuid.UUID, *roles: Role
) -> Process:
    process = await visible_process(session, actor, process_id)
    actor.principal.require_role(process.municipality, *(roles or (Role.EDITOR,)))
    return process


# Moderators run a consultation: they open and close it; editors set it up.
RUNS_PROCESS = (Role.EDITOR, Role.MODERATOR)


async def update(
    db: Database, actor: Actor, process_id: uuid.UUID, data: ProcessPatch, if_match: str | None
) -> ProcessOut:
    async with db.transaction() as session:
        process = await _editable(session, actor, process_id)
        check_if_match(if_match, process.id, process.version)
        if process.status == "closed":
            raise Conflict("A closed process cannot be changed.")
        changes = data.model_dump(exclude_unset=True, exclude={"phases"})
        for key, value in changes.items():
            if value is None and key in ("title", "visibility", "allow_guests", "categories"):
                continue
            setattr(process, key, value if value is not None else "")
        if data.phases is not None:
            if process.status != "draft":
                raise Conflict("Phases can only be replaced while the process is a draft.")
            process.phases = _phases(data.phases)
        process.version += 1
        process.updated_at = utcnow()
        await session.flush()
        return to_out(process, await _title(session, process.use_case_id))


def _event_data(process: Process) -> dict[str, object]:
    return {
        "id": str(process.id),
        "use_case_id": str(process.use_case_id),
        "municipality": process.municipality,
        "title": process.title,
    }


async def open_(db: Database, actor: Actor, process_id: uuid.UUID) -> ProcessOut:
    async with db.transaction() as session:
        process = await _editable(session, actor, process_id, *RUNS_PROCESS)
        if process.status != "draft":
            raise Conflict(f"The process is {process.status}; only a draft can be opened.")
        use_case = await session.get(UseCaseView, process.use_case_id)
        if use_case is None or not use_case.can_have_process:
            raise Conflict("The use case is no longer published; the process cannot open.")
        process.status = "open"
        process.version += 1
        process.updated_at = utcnow()
        await outbox.emit(
            session,
            "participation.process.opened",
            _event_data(process),
            entity_id=process.id,
            municipality=process.municipality,
        )
        return to_out(process, use_case.title)


async def close_in(session: AsyncSession, process: Process) -> None:
    """Close in the caller's transaction; emits `closed` when it was open."""
    was_open = process.status == "open"
    process.status = "closed"
    process.version += 1
    process.updated_at = utcnow()
    if was_open:
        await outbox.emit(
            session,
            "participation.process.closed",
            _event_data(process),
            entity_id=process.id,
            municipality=process.municipality,
        )


async def close(db: Database, actor: Actor, process_id: uuid.UUID) -> ProcessOut:
    async with db.transaction() as session:
        process = await _editable(session, actor, process_id, *RUNS_PROCESS)
        if process.status == "closed":
            raise Conflict("The process is already closed.")
        await close_in(session, process)
        return to_out(process, await _title(session, process.use_case_id))


async def invite(
    db: Database, actor: Actor, process_id: uuid.UUID, data: InvitationsIn, secret: str
) -> int:
    async with db.transaction() as session:
        process = await _editable(session, actor, process_id)
        for subject in set(data.subjects):
            await insert_ignore(
                session,
                Invitation.__table__,
                {"process_id": process.id, "participant_id": pseudonym(secret, subject)},
            )
        return len(set(data.subjects))
