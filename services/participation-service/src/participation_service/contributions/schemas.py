from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from participation_service.geo import Geometry, StoredGeometry
from participation_service.participants.schemas import StakeholderGroup
from participation_service.processes.schemas import Category, ContributionKind
from participation_service.text import Body, Title

State = Annotated[
    Literal["submitted", "under_consideration", "accepted", "rejected", "implemented", "withdrawn"],
    Field(
        description="`submitted` (new, not yet answered), `under_consideration` (the "
        "administration is looking into it), `accepted` (will be done), `rejected` (will not "
        "be done; the answer says why), `implemented` (done), `withdrawn` (by its author)."
    ),
]
AnswerState = Annotated[
    Literal["under_consideration", "accepted", "rejected", "implemented"],
    Field(
        description="The state the official answer gives the contribution: "
        "`under_consideration` (being looked into), `accepted` (will be done), `rejected` "
        "(will not be done), `implemented` (done)."
    ),
]


class ContributionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "kind": "problem",
                "title": "Parkplatzsuche am Marktplatz",
                "body": "Samstags kreisen Autos 20 Minuten um den Marktplatz.",
                "category": "Verkehr",
                "geometry": {"type": "Point", "coordinates": [9.1829, 48.7758]},
            }
        },
    )
    kind: ContributionKind
    title: Title
    body: Body
    category: Category | None = None
    geometry: Geometry | None = None
    stakeholder_group: StakeholderGroup | None = Field(
        default=None, description="Guests only: signed-in participants declare it in their profile."
    )


class ContributionPatch(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"title": "Neuer Titel"}}
    )
    title: Title | None = None
    body: Body | None = None
    category: Category | None = None
    geometry: Geometry | None = None


class ContributionOut(BaseModel):
    id: uuid.UUID
    process_id: uuid.UUID
    phase_id: uuid.UUID
    kind: str
    title: str
    body: str = Field(description="Plain text; render it as text, never as HTML.")
    category: str | None
    geometry: StoredGeometry | None
    stakeholder_group: str
    author_name: str | None
    mine: bool
    source: str
    state: State
    answer: str | None = Field(description="The published official answer.")
    answered_at: datetime | None
    supports: int
    comments: int
    hidden: bool = Field(description="Only moderators see hidden contributions.")
    created_at: datetime = Field(description="Rounded down to the hour.")
    version: int
    draft_state: str | None = Field(default=None, description="Members only: unpublished answer.")
    draft_answer: str | None = Field(default=None, description="Members only.")


class AnswerIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"state": "accepted", "answer": "Wird 2027 umgesetzt."}},
    )
    state: AnswerState
    answer: Body


class CommentIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"body": "Sehe ich genauso.", "parent_id": None}},
    )
    body: Body
    parent_id: uuid.UUID | None = None
    stakeholder_group: StakeholderGroup | None = Field(default=None, description="Guests only.")


class CommentOut(BaseModel):
    id: uuid.UUID
    contribution_id: uuid.UUID
    parent_id: uuid.UUID | None
    body: str
    stakeholder_group: str
    author_name: str | None
    mine: bool
    hidden: bool
    created_at: datetime


class SupportOut(BaseModel):
    contribution_id: uuid.UUID
    supported: bool
    supports: int
    budget_remaining: int | None
