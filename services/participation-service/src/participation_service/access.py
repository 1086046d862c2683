"""Who is acting, what they may see, and whether they may take part right now.

Shared by every domain module so the visibility and participation rules live in one place
(CVE-2024-27090 and CVE-2026-40870 were APIs that forgot such a check on one path)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Protocol

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from participation_service.participants.models import Block, Participant
from participation_service.processes.models import Invitation, Process
from participation_service.pseudonyms import pseudonym
from participation_service.ratelimit import WriteLimits, client_ip
from servicekit.identity import Principal, get_principal
from servicekit.problems import FieldError, Forbidden, NotFound, ProblemError

STAKEHOLDER_GROUPS = ("citizen", "business", "administration", "other")


@dataclass(frozen=True)
class Actor:
    principal: Principal
    participant_id: str | None
    ip: str

    @property
    def is_guest(self) -> bool:
        return self.participant_id is None

    def is_member(self, municipality: str) -> bool:
        return self.principal.can_see_internal(municipality)

    def require_participant(self) -> str:
        if self.participant_id is None:
            self.principal.require_authenticated()
        assert self.participant_id is not None
        return self.participant_id


def actor_for(request: Request, principal: Principal) -> Actor:
    participant = None
    if principal.is_authenticated and principal.subject:
        secret = request.app.state.settings.pseudonym_secret.get_secret_value()
        participant = pseudonym(secret, principal.subject)
    return Actor(principal=principal, participant_id=participant, ip=client_ip(request))


async def get_actor(
    request: Request, principal: Annotated[Principal, Depends(get_principal)]
) -> Actor:
    return actor_for(request, principal)


async def get_writer(
    request: Request, principal: Annotated[Principal, Depends(get_principal)]
) -> Actor:
    """The actor of a write, after the service's own rate limits."""
    actor = actor_for(request, principal)
    limits: WriteLimits = request.app.state.write_limits
    limits.check(actor.participant_id, actor.ip)
    return actor


async def is_invited(
    session: AsyncSession, process_id: uuid.UUID, participant_id: str | None
) -> bool:
    if participant_id is None:
        return False
    found = await session.scalar(
        select(Invitation.participant_id).where(
            Invitation.process_id == process_id, Invitation.participant_id == participant_id
        )
    )
    return found is not None


def may_view(member: bool, status: str, visibility: str, invited: bool) -> bool:
    """Drafts only for members; invite-only processes for members and invitees."""
    return member or (status != "draft" and (visibility == "public" or invited))


async def can_view(session: AsyncSession, actor: Actor, process: Process) -> bool:
    member = actor.is_member(process.municipality)
    invited = (
        not member
        and process.visibility != "public"
        and await is_invited(session, process.id, actor.participant_id)
    )
    return may_view(member, process.status, process.visibility, invited)


async def visible_process(session: AsyncSession, actor: Actor, process_id: uuid.UUID) -> Process:
    process = await session.get(Process, process_id)
    if process is None or not await can_view(session, actor, process):
        raise NotFound(f"Process {process_id} does not exist.")
    return process


class PhaseRules(Protocol):
    """What a phase allows: the ORM `Phase` or a row read on the hot path."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def title(self) -> str: ...
    @property
    def contribution_types(self) -> list[str]: ...
    @property
    def supports_enabled(self) -> bool: ...
    @property
    def comments_enabled(self) -> bool: ...
    @property
    def support_budget(self) -> int | None: ...


@dataclass(frozen=True)
class Standing:
    """Everything that decides whether an actor may act in a process right now. Gathered by
    `take_part` with ORM loads, or by one query on the hot path of supports."""

    process_id: uuid.UUID
    municipality: str
    phase: PhaseRules | None
    allow_guests: bool
    invite_only: bool
    invited: bool
    blocked: bool
    stakeholder_group: str | None


@dataclass(frozen=True)
class Taking:
    """A participant (or guest) allowed to act in the current phase of a process."""

    phase: PhaseRules
    participant_id: str | None
    stakeholder_group: str


def judge(
    actor: Actor,
    standing: Standing,
    *,
    guest_group: str | None = None,
    guests_possible: bool = True,
) -> Taking:
    """Raise unless the actor may act now; the one place these rules live."""
    phase = standing.phase
    if phase is None:
        raise ProblemError(
            409, "The process is not in an active phase; participation is closed right now."
        )
    if actor.is_guest:
        if not (guests_possible and standing.allow_guests):
            raise ProblemError(
                401,
                "This needs a signed-in participant: the process does not accept guests here.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if guest_group not in STAKEHOLDER_GROUPS:
            raise ProblemError(
                422,
                "Guests declare their stakeholder group with the request.",
                title="Validation failed",
                errors=[FieldError(field="body.stakeholder_group", message="required for guests")],
            )
        return Taking(phase, None, guest_group)
    participant_id = actor.require_participant()
    if standing.invite_only and not (actor.is_member(standing.municipality) or standing.invited):
        raise NotFound(f"Process {standing.process_id} does not exist.")
    if standing.blocked:
        raise Forbidden("You are blocked from participating in this municipality.")
    if standing.stakeholder_group is None:
        raise ProblemError(
            422,
            "Declare your stakeholder group first: PUT /api/v1/participants/me.",
            title="Validation failed",
            errors=[FieldError(field="stakeholder_group", message="not declared")],
        )
    return Taking(phase, participant_id, standing.stakeholder_group)


async def take_part(
    session: AsyncSession,
    actor: Actor,
    process: Process,
    now: datetime,
    *,
    guest_group: str | None = None,
    guests_possible: bool = True,
) -> Taking:
    """Raise unless `actor` may act in `process` now; returns the phase and their group."""
    pid = actor.participant_id
    blocked = invited = False
    group = None
    if pid is not None:
        invited = process.visibility == "invite_only" and await is_invited(session, process.id, pid)
        blocked = (
            await session.scalar(
                select(Block.participant_id).where(
                    Block.participant_id == pid, Block.municipality == process.municipality
                )
            )
        ) is not None
        group = await session.scalar(
            select(Participant.stakeholder_group).where(Participant.id == pid)
        )
    standing = Standing(
        process_id=process.id,
        municipality=process.municipality,
        phase=process.current_phase(now),
        allow_guests=process.allow_guests,
        invite_only=process.visibility == "invite_only",
        invited=invited,
        blocked=blocked,
        stakeholder_group=group,
    )
    return judge(actor, standing, guest_group=guest_group, guests_possible=guests_possible)


async def insert_ignore(session: AsyncSession, table: Any, values: dict[str, Any]) -> None:
    """INSERT that does nothing when the row exists (race-free on both dialects)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    await session.execute(dialect.insert(table).values(**values).on_conflict_do_nothing())
