"""Who is acting, what they may see, and whether they may take part right now.

Shared by every domain module so the visibility and participation rules live in one place
(CVE-2024-27090 and CVE-2026-40870 were APIs that forgot such a check on one path)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from participation_service.participants.models import Block, Participant
from participation_service.processes.models import Invitation, Phase, Process
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


async def can_view(session: AsyncSession, actor: Actor, process: Process) -> bool:
    if actor.is_member(process.municipality):
        return True
    if process.status == "draft":
        return False
    if process.visibility == "public":
        return True
    return await is_invited(session, process.id, actor.participant_id)


async def visible_process(session: AsyncSession, actor: Actor, process_id: uuid.UUID) -> Process:
    process = await session.get(Process, process_id)
    if process is None or not await can_view(session, actor, process):
        raise NotFound(f"Process {process_id} does not exist.")
    return process


@dataclass(frozen=True)
class Taking:
    """A participant (or guest) allowed to act in the current phase of a process."""

    phase: Phase
    participant_id: str | None
    stakeholder_group: str


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
    phase = process.current_phase(now)
    if phase is None:
        raise ProblemError(
            409, "The process is not in an active phase; participation is closed right now."
        )
    if actor.is_guest:
        if not (guests_possible and process.allow_guests):
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
    if process.visibility == "invite_only" and not (
        actor.is_member(process.municipality)
        or await is_invited(session, process.id, participant_id)
    ):
        raise NotFound(f"Process {process.id} does not exist.")
    blocked = await session.scalar(
        select(Block.participant_id).where(
            Block.participant_id == participant_id, Block.municipality == process.municipality
        )
    )
    if blocked is not None:
        raise Forbidden("You are blocked from participating in this municipality.")
    participant = await session.get(Participant, participant_id)
    if participant is None or participant.stakeholder_group is None:
        raise ProblemError(
            422,
            "Declare your stakeholder group first: PUT /api/v1/participants/me.",
            title="Validation failed",
            errors=[FieldError(field="stakeholder_group", message="not declared")],
        )
    return Taking(phase, participant_id, participant.stakeholder_group)


async def insert_ignore(session: AsyncSession, table: Any, values: dict[str, Any]) -> None:
    """INSERT that does nothing when the row exists (race-free on both dialects)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    await session.execute(dialect.insert(table).values(**values).on_conflict_do_nothing())
