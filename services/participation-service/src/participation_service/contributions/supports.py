"""Supporting a contribution: the hot path of the service.

Guarantees, both kept by the database under any concurrency: one support per participant per
contribution (unique constraint) and never more supports in a phase than its budget (an atomic
conditional upsert of the participant's counter row, in the same transaction as the support).

On PostgreSQL a support costs two round trips and no explicit transaction: one read of every
fact the rules need, then one statement that counts the budget, inserts the support and counts
the contribution's supports (data-modifying CTEs; a single statement is its own transaction,
so a duplicate aborts it whole, budget increment included). SQLite has no data-modifying
CTEs: there the same steps run in one write transaction. The statements are built once, so
no request pays for building them or for their cache keys."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    Integer,
    String,
    Uuid,
    bindparam,
    exists,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from participation_service.access import Actor, Standing, judge, may_view, take_part
from participation_service.contributions.models import Contribution, Support, SupportBudget
from participation_service.contributions.schemas import SupportOut
from participation_service.contributions.service import CLOSED_STATES, load, moderates
from participation_service.participants.models import Block, Participant
from participation_service.processes.models import Invitation, Phase, Process
from servicekit.db import Database, UTCDateTime, utcnow
from servicekit.problems import NotFound, ProblemError

CONTRIBUTION = bindparam("contribution_id", type_=Uuid)
PARTICIPANT = bindparam("participant_id", type_=String)
PHASE = bindparam("phase_id", type_=Uuid)
BUDGET = bindparam("budget", type_=Integer)
NOW = bindparam("now", type_=UTCDateTime)

FACTS = (
    select(
        Contribution.state,
        Contribution.hidden,
        Contribution.author_blocked,
        Contribution.municipality,
        Process.id.label("process_id"),
        Process.status,
        Process.visibility,
        Process.allow_guests,
        Phase.id.label("phase_id"),
        Phase.title,
        Phase.contribution_types,
        Phase.supports_enabled,
        Phase.comments_enabled,
        Phase.support_budget,
        select(Participant.stakeholder_group)
        .where(Participant.id == PARTICIPANT)
        .scalar_subquery()
        .label("stakeholder_group"),
        exists()
        .where(Block.participant_id == PARTICIPANT, Block.municipality == Contribution.municipality)
        .label("blocked"),
        exists()
        .where(Invitation.process_id == Process.id, Invitation.participant_id == PARTICIPANT)
        .label("invited"),
    )
    .join(Process, Process.id == Contribution.process_id)
    .outerjoin(
        Phase,
        (Phase.process_id == Process.id)
        & (Process.status == "open")
        & (Phase.starts_at <= NOW)
        & (Phase.ends_at > NOW),
    )
    .where(Contribution.id == CONTRIBUTION)
)
"""Everything the support rules need, in one round trip."""


def _count_budget(insert_: Any, limited: bool) -> Any:
    """One more support in the participant's budget row, unless that exceeds the budget:
    then no row is returned."""
    return insert_.values(participant_id=PARTICIPANT, phase_id=PHASE, used=1).on_conflict_do_update(
        index_elements=[SupportBudget.participant_id, SupportBudget.phase_id],
        set_={"used": SupportBudget.used + 1},
        where=(SupportBudget.used < BUDGET) if limited else None,
    )


SUPPORT_ROW = {
    "id": bindparam("id", type_=Uuid),
    "contribution_id": CONTRIBUTION,
    "process_id": bindparam("process_id", type_=Uuid),
    "phase_id": PHASE,
    "participant_id": PARTICIPANT,
    "stakeholder_group": bindparam("stakeholder_group", type_=String),
    "created_at": NOW,
}
SUPPORTS_OF_CONTRIBUTION = (
    select(func.count()).select_from(Support).where(Support.contribution_id == CONTRIBUTION)
)


def _record_in_one_statement(limited: bool) -> Any:
    """PostgreSQL: budget, support and count in one statement. Its reads see the table as it
    was when the statement started, hence the count of the rows it inserted is added."""
    budget = _count_budget(pg_insert(SupportBudget), limited).returning(SupportBudget.used)
    counted = budget.cte("counted")
    added = (
        insert(Support)
        .from_select(list(SUPPORT_ROW), select(*SUPPORT_ROW.values()).select_from(counted))
        .returning(Support.id)
        .cte("added")
    )
    return select(
        select(counted.c.used).scalar_subquery().label("used"),
        (
            SUPPORTS_OF_CONTRIBUTION.scalar_subquery()
            + select(func.count()).select_from(added).scalar_subquery()
        ).label("supports"),
    )


RECORD_POSTGRES = {limited: _record_in_one_statement(limited) for limited in (True, False)}
BUDGET_SQLITE = {
    limited: _count_budget(sqlite_insert(SupportBudget), limited).returning(SupportBudget.used)
    for limited in (True, False)
}
INSERT_SUPPORT = insert(Support).values(SUPPORT_ROW)


@dataclass(frozen=True)
class _PhaseRow:
    id: uuid.UUID
    title: str
    contribution_types: list[str]
    supports_enabled: bool
    comments_enabled: bool
    support_budget: int | None


def _gone(contribution_id: uuid.UUID) -> NotFound:
    return NotFound(f"Contribution {contribution_id} does not exist.")


def _allowed(actor: Actor, row: Any, contribution_id: uuid.UUID) -> tuple[_PhaseRow, str]:
    """Raise unless the actor may support the contribution of `row` (a FACTS row) now;
    returns the phase and the supporter's stakeholder group."""
    member = actor.is_member(row.municipality)
    if not may_view(member, row.status, row.visibility, bool(row.invited)):
        raise _gone(contribution_id)
    if (row.hidden or row.author_blocked) and not moderates(actor, row.municipality):
        raise _gone(contribution_id)
    phase = (
        _PhaseRow(
            row.phase_id,
            row.title,
            row.contribution_types,
            row.supports_enabled,
            row.comments_enabled,
            row.support_budget,
        )
        if row.phase_id is not None
        else None
    )
    taking = judge(
        actor,
        Standing(
            process_id=row.process_id,
            municipality=row.municipality,
            phase=phase,
            allow_guests=row.allow_guests,
            invite_only=row.visibility == "invite_only",
            invited=bool(row.invited),
            blocked=bool(row.blocked),
            stakeholder_group=row.stakeholder_group,
        ),
        guests_possible=False,
    )
    if not taking.phase.supports_enabled:
        raise ProblemError(409, f"Supports are not open in the phase '{taking.phase.title}'.")
    if row.state in CLOSED_STATES:
        raise ProblemError(409, f"A {row.state} contribution cannot be supported.")
    return cast(_PhaseRow, taking.phase), taking.stakeholder_group


async def _record_in_transaction(
    db: Database, limited: bool, params: dict[str, Any]
) -> tuple[int | None, int]:
    """SQLite: (budget used, supports of the contribution); used is None when spent."""
    async with db.connection_transaction() as conn:
        used = await conn.scalar(BUDGET_SQLITE[limited], params)
        if used is None:
            return None, 0
        await conn.execute(INSERT_SUPPORT, params)
        return used, int(await conn.scalar(SUPPORTS_OF_CONTRIBUTION, params) or 0)


async def support(db: Database, actor: Actor, contribution_id: uuid.UUID) -> SupportOut:
    if actor.is_guest:
        actor.principal.require_authenticated()
    params: dict[str, Any] = {
        "contribution_id": contribution_id,
        "participant_id": actor.require_participant(),
        "now": utcnow(),
    }
    one_statement = db.dialect == "postgresql"
    try:
        # The facts need no transaction: the guarantees are kept by the write alone, and under
        # READ COMMITTED a read inside the write's transaction would see no more than this.
        async with db.autocommit() as conn:
            row = (await conn.execute(FACTS, params)).first()
            if row is None:
                raise _gone(contribution_id)
            phase, group = _allowed(actor, row, contribution_id)
            limited = phase.support_budget is not None
            params |= {
                "id": uuid.uuid4(),
                "process_id": row.process_id,
                "phase_id": phase.id,
                "budget": phase.support_budget,
                "stakeholder_group": group,
            }
            if one_statement:
                counted = (await conn.execute(RECORD_POSTGRES[limited], params)).one()
                used, supports = counted.used, int(counted.supports)
        if not one_statement:
            used, supports = await _record_in_transaction(db, limited, params)
    except IntegrityError:
        raise ProblemError(
            409, "You already support this contribution.", title="Already supported"
        ) from None
    if used is None:
        raise ProblemError(
            409,
            f"Your support budget of {phase.support_budget} in this phase is used up; "
            "withdraw a support to give it elsewhere.",
            title="Support budget exhausted",
        )
    remaining = None if phase.support_budget is None else phase.support_budget - int(used)
    return SupportOut(
        contribution_id=contribution_id,
        supported=True,
        supports=supports,
        budget_remaining=remaining,
    )


async def unsupport(db: Database, actor: Actor, contribution_id: uuid.UUID) -> SupportOut:
    async with db.transaction() as session:
        contribution, process = await load(session, actor, contribution_id)
        taking = await take_part(session, actor, process, utcnow(), guests_possible=False)
        phase = taking.phase
        if not phase.supports_enabled:
            raise ProblemError(409, f"Supports are not open in the phase '{phase.title}'.")
        participant_id = cast(str, taking.participant_id)
        own = await session.scalar(
            select(Support).where(
                Support.contribution_id == contribution.id, Support.participant_id == participant_id
            )
        )
        if own is None:
            raise NotFound("You do not support this contribution.")
        await session.delete(own)
        await session.execute(
            update(SupportBudget)
            .where(
                SupportBudget.participant_id == participant_id,
                SupportBudget.phase_id == own.phase_id,
                SupportBudget.used > 0,
            )
            .values(used=SupportBudget.used - 1)
        )
        await session.flush()
        used = await session.scalar(
            select(SupportBudget.used).where(
                SupportBudget.participant_id == participant_id, SupportBudget.phase_id == phase.id
            )
        )
        count = await session.scalar(SUPPORTS_OF_CONTRIBUTION, {"contribution_id": contribution.id})
    remaining = None if phase.support_budget is None else phase.support_budget - int(used or 0)
    return SupportOut(
        contribution_id=contribution_id,
        supported=False,
        supports=int(count or 0),
        budget_remaining=remaining,
    )
