from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from participation_service.geo import StoredGeometry
from participation_service.surveys.schemas import GivenAnswer
from participation_service.text import Name

StakeholderGroup = Annotated[
    Literal["citizen", "business", "administration", "other"],
    Field(
        description="Whom the participant speaks for: `citizen` (a resident), `business` (a "
        "company or trader), `administration` (a public body), `other` (associations, "
        "visitors, anyone else). Results are broken down by it."
    ),
]


class ProfileIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"display_name": "Erika", "stakeholder_group": "citizen"}},
    )
    display_name: Name | None = None
    stakeholder_group: StakeholderGroup


class ProfileOut(BaseModel):
    id: str = Field(description="Your pseudonymous participant id (not your login).")
    display_name: str | None
    stakeholder_group: StakeholderGroup | None
    created_at: datetime


class ExportedContribution(BaseModel):
    id: uuid.UUID
    process_id: uuid.UUID
    kind: str = Field(description="`idea` or `problem`.")
    title: str
    body: str
    category: str | None
    geometry: StoredGeometry | None
    stakeholder_group: str
    state: str = Field(description="As in `ContributionOut.state`.")
    created_at: datetime


class ExportedComment(BaseModel):
    id: uuid.UUID
    contribution_id: uuid.UUID
    parent_id: uuid.UUID | None
    body: str
    created_at: datetime


class ExportedSupport(BaseModel):
    contribution_id: uuid.UUID
    process_id: uuid.UUID
    created_at: datetime


class ExportedAnswer(BaseModel):
    question: str = Field(description="The question's text.")
    value: GivenAnswer


class ExportedSurveyResponse(BaseModel):
    survey_id: uuid.UUID
    stakeholder_group: str
    created_at: datetime
    answers: list[ExportedAnswer]


class ExportedReport(BaseModel):
    target_type: str = Field(description="`contribution` or `comment`.")
    target_id: uuid.UUID
    reason: str = Field(description="As in `ReportIn.reason`.")
    details: str
    created_at: datetime


class ExportedBlock(BaseModel):
    municipality: str = Field(description="Where you are blocked from taking part.")
    reason: str
    created_at: datetime


class DataExport(BaseModel):
    """Everything this service stores about you."""

    profile: ProfileOut | None
    contributions: list[ExportedContribution]
    comments: list[ExportedComment]
    supports: list[ExportedSupport]
    survey_responses: list[ExportedSurveyResponse]
    reports: list[ExportedReport]
    blocks: list[ExportedBlock]
    invitations: list[str] = Field(description="The processes you were invited to (ids).")


class Deletion(BaseModel):
    deleted: bool
    anonymised_supports: int
    anonymised_survey_responses: int
    anonymised_contributions: int
    anonymised_comments: int
