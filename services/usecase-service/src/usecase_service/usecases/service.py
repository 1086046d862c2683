"""Use-case rules. Each public function is one unit of work with its events."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from servicekit.concurrency import check_if_match
from servicekit.db import Database, utcnow
from servicekit.identity import Principal, Role
from servicekit.pagination import PageParams, SortKey, paginate
from servicekit.problems import (
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    PreconditionFailed,
    Unprocessable,
)
from usecase_service.access import can_read, readable_clause, require_editor, require_readable
from usecase_service.database import tenants
from usecase_service.parameters.service import settings_for
from usecase_service.participation.models import ParticipationResult
from usecase_service.usecases import lifecycle
from usecase_service.usecases.events import data_requirement_event, use_case_event
from usecase_service.usecases.figures import refresh
from usecase_service.usecases.models import DataRequirement, StatusChange, UseCase
from usecase_service.usecases.schemas import (
    AdoptIn,
    DataRequirementOut,
    ParticipationResultOut,
    TransitionIn,
    UseCaseCreate,
    UseCaseDetail,
    UseCasePatch,
    UseCaseSummary,
    check_dates,
)
from usecase_service.vocab import Status, Visibility

COPIED_STEPS = ("problem", "process", "benefits", "requirements", "services", "assessment")


@dataclass(frozen=True)
class Filters:
    municipality: str | None = None
    status: Status | None = None
    field_of_action: str | None = None
    tag: str | None = None
    q: str | None = None
    visibility: Visibility | None = None
    flagged: bool | None = None


def tag_index(tags: list[str]) -> str:
    return "|" + "".join(f"{t.lower()}|" for t in tags)


def unique_tags(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(tags))


def steps_of(use_case: UseCase) -> lifecycle.Steps:
    return lifecycle.Steps(
        problem=use_case.problem,
        process=use_case.process,
        benefits=use_case.benefits,
        requirements=use_case.requirements,
        data_requirements=len(use_case.data_requirements),
        services=use_case.services,
        assessment=use_case.assessment,
    )


def to_detail(use_case: UseCase, results: list[ParticipationResult]) -> UseCaseDetail:
    """The full representation; the computed parts are read as stored, not recomputed."""
    base = UseCaseSummary.model_validate(use_case).model_dump()
    return UseCaseDetail.model_validate(
        {
            **base,
            "problem": use_case.problem,
            "process": use_case.process,
            "benefits": use_case.benefits,
            "requirements": use_case.requirements,
            "data_requirements": [
                DataRequirementOut.model_validate(r) for r in use_case.data_requirements
            ],
            "services": use_case.services,
            "assessment": use_case.assessment,
            "comparison": use_case.comparison_result,
            "assessment_result": use_case.assessment_result,
            "missing": lifecycle.completeness(steps_of(use_case)),
            "participants": use_case.participants,
            "participation_results": [ParticipationResultOut.model_validate(r) for r in results],
        }
    )


async def load(
    session: AsyncSession, use_case_id: uuid.UUID, *, for_update: bool = False
) -> UseCase | None:
    stmt = (
        select(UseCase)
        .where(UseCase.id == use_case_id, UseCase.archived_at.is_(None))
        .options(selectinload(UseCase.data_requirements))
    )
    if for_update:
        stmt = stmt.with_for_update(of=UseCase)
    return (await session.execute(stmt)).scalar_one_or_none()


async def results_of(session: AsyncSession, use_case_id: uuid.UUID) -> list[ParticipationResult]:
    stmt = (
        select(ParticipationResult)
        .where(ParticipationResult.use_case_id == use_case_id)
        .order_by(ParticipationResult.event_time)
    )
    return list((await session.execute(stmt)).scalars())


async def detail(session: AsyncSession, use_case: UseCase) -> UseCaseDetail:
    return to_detail(use_case, await results_of(session, use_case.id))


async def render(session: AsyncSession, use_case: UseCase) -> UseCaseDetail:
    """The full representation, also kept pre-serialised on the row for `read_document`.
    Every unit of work that changes what a use case shows ends with this."""
    result = await detail(session, use_case)
    use_case.document = result.model_dump_json()
    return result


async def rerender(session: AsyncSession, use_case_ids: Iterable[uuid.UUID]) -> None:
    """Render again after changes from events (datasets, participation)."""
    for use_case_id in set(use_case_ids):
        use_case = await load(session, use_case_id)
        if use_case is not None:
            await render(session, use_case)


_table = UseCase.__table__
# Built once: composing and cache-keying a statement per request costs more than running it.
DOCUMENT_QUERY = select(
    _table.c.municipality, _table.c.visibility, _table.c.version, _table.c.document
).where(_table.c.id == bindparam("use_case_id"), _table.c.archived_at.is_(None))


async def read_document(
    db: Database, principal: Principal, use_case_id: uuid.UUID
) -> tuple[str, int]:
    """The hot read path: one query outside a transaction, the stored JSON as it is."""
    row = await db.first_row(DOCUMENT_QUERY, {"use_case_id": use_case_id})
    if row is None or not can_read(principal, row.municipality, row.visibility):
        raise NotFound(f"Use case {use_case_id} does not exist.")
    if not row.document:
        fresh = await get(db, principal, use_case_id)
        return fresh.model_dump_json(), fresh.version
    return str(row.document), int(row.version)


def touch(use_case: UseCase) -> None:
    use_case.version += 1
    use_case.updated_at = utcnow()


async def record_history(
    session: AsyncSession,
    use_case: UseCase,
    principal: Principal,
    from_status: str | None,
    reason: str,
) -> None:
    session.add(
        StatusChange(
            use_case_id=use_case.id,
            from_status=from_status,
            to_status=use_case.status,
            reason=reason,
            actor=principal.subject,
            revision=use_case.revision,
            at=utcnow(),
        )
    )


async def create(db: Database, principal: Principal, data: UseCaseCreate) -> UseCaseDetail:
    principal.require_role(data.municipality, Role.EDITOR)
    async with db.transaction() as session:
        await tenants.require(session, data.municipality, field="body.municipality")
        now = utcnow()
        tags = unique_tags(data.tags)
        use_case = UseCase(
            id=uuid.uuid4(),
            **data.model_dump(exclude={"tags"}),
            tags=tags,
            tag_index=tag_index(tags),
            status=Status.DRAFT,
            revision=1,
            version=1,
            flagged=False,
            investment=0.0,
            yearly_savings=0.0,
            supports=0,
            participants=0,
            created_by=principal.subject,
            created_at=now,
            updated_at=now,
            data_requirements=[],
        )
        session.add(use_case)
        await session.flush()
        await record_history(session, use_case, principal, None, "created")
        await use_case_event(session, use_case, "created")
        if use_case.visibility == Visibility.PUBLIC:
            await use_case_event(session, use_case, "published")
        return await render(session, use_case)


async def get(db: Database, principal: Principal, use_case_id: uuid.UUID) -> UseCaseDetail:
    async with db.sessions() as session:
        use_case = require_readable(principal, await load(session, use_case_id), use_case_id)
        return await detail(session, use_case)


async def list_use_cases(
    db: Database, principal: Principal, filters: Filters, params: PageParams
) -> tuple[list[UseCase], str | None]:
    stmt = select(UseCase).where(UseCase.archived_at.is_(None), readable_clause(principal))
    if filters.municipality:
        stmt = stmt.where(UseCase.municipality == filters.municipality)
    if filters.status:
        stmt = stmt.where(UseCase.status == filters.status)
    if filters.field_of_action:
        stmt = stmt.where(UseCase.field_of_action == filters.field_of_action)
    if filters.visibility:
        stmt = stmt.where(UseCase.visibility == filters.visibility)
    if filters.flagged is not None:
        stmt = stmt.where(UseCase.flagged.is_(filters.flagged))
    if filters.tag:
        stmt = stmt.where(
            UseCase.tag_index.contains(f"|{filters.tag.strip().lower()}|", autoescape=True)
        )
    if filters.q:
        needle = filters.q.strip().lower()
        stmt = stmt.where(
            func.lower(UseCase.title).contains(needle, autoescape=True)
            | func.lower(UseCase.summary).contains(needle, autoescape=True)
        )
    keys = [
        SortKey(UseCase.created_at.expression, descending=True, attribute="created_at"),
        SortKey(UseCase.id.expression, descending=True, attribute="id"),
    ]
    async with db.sessions() as session:
        return await paginate(session, stmt, keys, params)


Change = Callable[[AsyncSession, UseCase], Awaitable[None]]


@asynccontextmanager
async def unit_of_work(db: Database) -> AsyncIterator[AsyncSession]:
    """A transaction for changing one use case; 412 when another change won the race."""
    try:
        async with db.transaction() as session:
            yield session
    except StaleDataError as exc:
        raise PreconditionFailed(
            "The use case was changed by someone else meanwhile; fetch it again."
        ) from exc


async def change(
    db: Database,
    principal: Principal,
    use_case_id: uuid.UUID,
    if_match: str | None,
    apply: Change,
) -> UseCaseDetail:
    """The frame of every edit: load, authorize, check the version, apply, recompute the
    figures, bump the version, emit `updated` (and `published` when it became public)."""
    async with unit_of_work(db) as session:
        use_case = require_editor(
            principal, await load(session, use_case_id, for_update=True), use_case_id
        )
        check_if_match(if_match, use_case.id, use_case.version)
        was_public = use_case.visibility == Visibility.PUBLIC
        await apply(session, use_case)
        refresh(use_case, await settings_for(session, use_case.municipality))
        touch(use_case)
        await use_case_event(session, use_case, "updated")
        if not was_public and use_case.visibility == Visibility.PUBLIC:
            await use_case_event(session, use_case, "published")
        return await render(session, use_case)


async def patch(
    db: Database,
    principal: Principal,
    use_case_id: uuid.UUID,
    data: UseCasePatch,
    if_match: str | None,
) -> UseCaseDetail:
    fields = data.model_dump(exclude_unset=True)
    for required in ("title", "summary", "field_of_action", "visibility", "progress"):
        if required in fields and fields[required] is None:
            raise Unprocessable(
                f"{required} cannot be null.",
                [FieldError(field=f"body.{required}", message="must not be null")],
            )

    async def apply(_session: AsyncSession, use_case: UseCase) -> None:
        check_dates(
            fields.get("planned_start", use_case.planned_start),
            fields.get("planned_end", use_case.planned_end),
        )
        for name, value in fields.items():
            if name == "tags":
                value = unique_tags(value or [])
                use_case.tag_index = tag_index(value)
            setattr(use_case, name, value)

    return await change(db, principal, use_case_id, if_match, apply)


async def archive(
    db: Database, principal: Principal, use_case_id: uuid.UUID, if_match: str | None
) -> None:
    """Archived use cases disappear from lists and reads; their data needs are withdrawn."""
    async with unit_of_work(db) as session:
        use_case = require_editor(
            principal, await load(session, use_case_id, for_update=True), use_case_id
        )
        check_if_match(if_match, use_case.id, use_case.version)
        use_case.archived_at = utcnow()
        touch(use_case)
        for requirement in use_case.data_requirements:
            await data_requirement_event(session, use_case, requirement, "removed")
        await use_case_event(session, use_case, "archived")


async def transition(
    db: Database,
    principal: Principal,
    use_case_id: uuid.UUID,
    data: TransitionIn,
    if_match: str | None,
) -> UseCaseDetail:
    async with unit_of_work(db) as session:
        use_case = require_editor(
            principal, await load(session, use_case_id, for_update=True), use_case_id
        )
        check_if_match(if_match, use_case.id, use_case.version)
        current, target = Status(use_case.status), data.to
        kind = lifecycle.classify(current, target)
        if kind is None:
            allowed = [s.value for s in lifecycle.allowed_targets(current)]
            raise Conflict(
                f"A use case in status '{current}' cannot go to '{target}'.",
                extra={"missing": [], "allowed": allowed},
            )
        reason = data.reason.strip()
        if kind is lifecycle.Kind.DECISION and not principal.has_role(
            use_case.municipality, Role.ADMIN
        ):
            raise Forbidden("Only admins of the municipality approve, reject or defer.")
        needs_reason = kind is lifecycle.Kind.REVISION or target in (
            Status.REJECTED,
            Status.DEFERRED,
        )
        if needs_reason and not reason:
            raise Unprocessable(
                f"Going to '{target}' needs a reason.",
                [FieldError(field="body.reason", message="required for this transition")],
            )
        if kind in (lifecycle.Kind.FORWARD, lifecycle.Kind.DECISION):
            missing = lifecycle.missing_for(target, steps_of(use_case))
            if missing:
                raise Conflict(
                    f"'{target}' needs these items first: {', '.join(missing)}.",
                    extra={"missing": missing},
                )
        if kind is lifecycle.Kind.REVISION:
            use_case.revision += 1
        use_case.status = target
        touch(use_case)
        await record_history(session, use_case, principal, current, reason)
        await use_case_event(
            session, use_case, "status_changed", from_status=current.value, reason=reason
        )
        return await render(session, use_case)


async def history(db: Database, principal: Principal, use_case_id: uuid.UUID) -> list[StatusChange]:
    async with db.sessions() as session:
        use_case = await session.get(UseCase, use_case_id)
        if use_case is not None and use_case.archived_at is not None:
            use_case = None
        require_readable(principal, use_case, use_case_id)
        stmt = (
            select(StatusChange)
            .where(StatusChange.use_case_id == use_case_id)
            .order_by(StatusChange.at, StatusChange.id)
        )
        return list((await session.execute(stmt)).scalars())


async def adopt(
    db: Database, principal: Principal, source_id: uuid.UUID, data: AdoptIn
) -> UseCaseDetail:
    """A new internal draft in the caller's municipality, copied from a public use case."""
    principal.require_role(data.municipality, Role.EDITOR)
    async with db.transaction() as session:
        source = require_readable(principal, await load(session, source_id), source_id)
        if source.visibility != Visibility.PUBLIC:
            raise Conflict("Only public use cases can be adopted; publish it first.")
        await tenants.require(session, data.municipality, field="body.municipality")
        now = utcnow()
        copied: dict[str, Any] = {name: getattr(source, name) for name in COPIED_STEPS}
        use_case = UseCase(
            id=uuid.uuid4(),
            municipality=data.municipality,
            title=data.title or source.title,
            summary=source.summary,
            field_of_action=source.field_of_action,
            tags=list(source.tags),
            tag_index=source.tag_index,
            owner=None,
            visibility=Visibility.INTERNAL,
            priority=None,
            progress=0,
            status=Status.DRAFT,
            revision=1,
            version=1,
            flagged=any(r.dataset_withdrawn for r in source.data_requirements),
            supports=0,
            participants=0,
            adopted_from={
                "id": str(source.id),
                "municipality": source.municipality,
                "title": source.title,
                "version": source.version,
            },
            created_by=principal.subject,
            created_at=now,
            updated_at=now,
            data_requirements=[
                DataRequirement(
                    id=uuid.uuid4(),
                    dataset_id=r.dataset_id,
                    dataset_title=r.dataset_title,
                    title=r.title,
                    description=r.description,
                    open=r.open,
                    personal=r.personal,
                    dataset_withdrawn=r.dataset_withdrawn,
                    created_at=now,
                )
                for r in source.data_requirements
            ],
            **copied,
        )
        refresh(use_case, await settings_for(session, data.municipality))
        session.add(use_case)
        await session.flush()
        await record_history(
            session,
            use_case,
            principal,
            None,
            f"adopted from {source.municipality}: {source.title} ({source.id})",
        )
        await use_case_event(session, use_case, "created")
        for requirement in use_case.data_requirements:
            await data_requirement_event(session, use_case, requirement, "added")
        return await render(session, use_case)
