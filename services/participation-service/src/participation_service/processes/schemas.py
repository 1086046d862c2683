from __future__ import annotations

import itertools
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from participation_service.text import Body, Title

PhaseKind = Annotated[
    Literal["problem_collection", "feedback", "prioritisation", "results", "other"],
    Field(
        description="What the phase is for: `problem_collection` (participants report "
        "problems and ideas), `feedback` (comments on a draft), `prioritisation` (participants "
        "weigh contributions with supports), `results` (the outcome is presented), `other`."
    ),
]
ContributionKind = Annotated[
    Literal["idea", "problem"],
    Field(description="`idea` (a proposal) or `problem` (something that does not work)."),
]
ProcessVisibility = Annotated[
    Literal["public", "invite_only"],
    Field(
        description="`public`: everyone can read and, signed in, take part; `invite_only`: "
        "only invited participants (and the municipality's members)."
    ),
]
ProcessStatus = Annotated[
    Literal["draft", "open", "closed"],
    Field(
        description="`draft` (being prepared, members only), `open` (published; participation "
        "follows its phases), `closed` (ended; results remain readable)."
    ),
]
Category = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^<>]+$")]

PROCESS_EXAMPLE: dict[str, Any] = {
    "use_case_id": "8c0f5d0e-6f0c-4a43-9a55-1d7cf3b0c001",
    "title": "Digitale Parkraumsteuerung - Ihre Meinung",
    "description": "Welche Probleme sehen Sie beim Parken in der Innenstadt?",
    "visibility": "public",
    "allow_guests": False,
    "categories": ["Verkehr", "Umwelt"],
    "phases": [
        {
            "kind": "problem_collection",
            "title": "Probleme sammeln",
            "starts_at": "2026-12-01T00:00:00Z",
            "ends_at": "2027-01-01T00:00:00Z",
            "contribution_types": ["problem", "idea"],
            "supports_enabled": True,
            "comments_enabled": True,
            "support_budget": 10,
        }
    ],
}


class PhaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: PhaseKind
    title: Title
    starts_at: datetime
    ends_at: datetime
    contribution_types: list[ContributionKind] = Field(default_factory=list, max_length=2)
    supports_enabled: bool = False
    comments_enabled: bool = False
    support_budget: int | None = Field(
        default=None, ge=1, le=1000, description="Supports per participant in this phase."
    )

    @model_validator(mode="after")
    def _dates(self) -> PhaseIn:
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise ValueError("phase dates need a time zone (RFC 3339)")
        if self.ends_at <= self.starts_at:
            raise ValueError("a phase must end after it starts")
        return self


def _check_phases(phases: list[PhaseIn]) -> None:
    for before, after in itertools.pairwise(phases):
        if after.starts_at < before.ends_at:
            raise ValueError("phases must be in order and must not overlap")


class ProcessIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": PROCESS_EXAMPLE})
    use_case_id: uuid.UUID
    title: Title
    description: Body | None = None
    visibility: ProcessVisibility = "public"
    allow_guests: bool = False
    categories: list[Category] = Field(default_factory=list, max_length=30)
    phases: list[PhaseIn] = Field(min_length=1, max_length=10)

    @model_validator(mode="after")
    def _phases(self) -> ProcessIn:
        _check_phases(self.phases)
        return self


class ProcessPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {"allow_guests": True}})
    title: Title | None = None
    description: Body | None = None
    visibility: ProcessVisibility | None = None
    allow_guests: bool | None = None
    categories: list[Category] | None = Field(default=None, max_length=30)
    phases: list[PhaseIn] | None = Field(default=None, min_length=1, max_length=10)

    @model_validator(mode="after")
    def _phases(self) -> ProcessPatch:
        if self.phases is not None:
            _check_phases(self.phases)
        return self


class PhaseOut(BaseModel):
    id: uuid.UUID
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    contribution_types: list[str]
    supports_enabled: bool
    comments_enabled: bool
    support_budget: int | None


class ProcessOut(BaseModel):
    id: uuid.UUID
    municipality: str
    use_case_id: uuid.UUID
    use_case_title: str | None
    title: str
    description: str
    visibility: str
    allow_guests: bool
    categories: list[str]
    status: ProcessStatus
    current_phase_id: uuid.UUID | None
    phases: list[PhaseOut]
    results_published_at: datetime | None
    created_at: datetime = Field(description="Rounded down to the hour.")
    version: int


class InvitationsIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"subjects": ["oidc|4711", "oidc|4712"]}}
    )
    subjects: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        min_length=1, max_length=500, description="Identity subjects (`sub`) of the invitees."
    )


class InvitationsOut(BaseModel):
    invited: int
