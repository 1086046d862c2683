from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from participation_service.access import Actor, get_actor, get_writer
from participation_service.participants import service
from participation_service.participants.schemas import DataExport, Deletion, ProfileIn, ProfileOut
from servicekit.db import Database
from servicekit.problems import problem_responses
from servicekit.runtime import get_db

router = APIRouter(prefix="/api/v1/participants", tags=["participants"])
DB = Annotated[Database, Depends(get_db)]


@router.get(
    "/me",
    operation_id="getMyProfile",
    summary="Your participant profile",
    description="Your pseudonymous id, optional display name and declared stakeholder group.",
    responses=problem_responses(401, 404),
)
async def get_me(db: DB, actor: Annotated[Actor, Depends(get_actor)]) -> ProfileOut:
    return await service.get_profile(db, actor)


@router.put(
    "/me",
    operation_id="putMyProfile",
    summary="Create or update your profile",
    description="Declare your stakeholder group (needed before you take part) and an optional "
    "display name. Nothing else about you is stored.",
    responses=problem_responses(401, 422, 429),
)
async def put_me(
    db: DB, data: ProfileIn, actor: Annotated[Actor, Depends(get_writer)]
) -> ProfileOut:
    return await service.put_profile(db, actor, data)


@router.get(
    "/me/export",
    operation_id="exportMyData",
    summary="Export your data (GDPR Art. 15/20)",
    description="Everything stored under your pseudonym: profile, contributions, comments, "
    "supports, survey answers, reports, blocks and invitations.",
    responses=problem_responses(401),
)
async def export_me(db: DB, actor: Annotated[Actor, Depends(get_actor)]) -> DataExport:
    return await service.export(db, actor)


@router.delete(
    "/me",
    operation_id="deleteMyData",
    summary="Delete your data (GDPR Art. 17)",
    description="Removes your profile and unlinks everything else from you: supports, survey "
    "answers (free text blanked), contributions and comments stay, anonymised, so results "
    "stay valid. A later sign-in starts as a new participant.",
    responses=problem_responses(401),
)
async def delete_me(db: DB, actor: Annotated[Actor, Depends(get_actor)]) -> Deletion:
    return await service.delete_me(db, actor)
