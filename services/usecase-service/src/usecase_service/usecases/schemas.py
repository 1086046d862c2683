"""The use-case API contract."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from servicekit.problems import FieldError, Unprocessable
from usecase_service.assessment.schemas import AssessmentInput, AssessmentResult
from usecase_service.processes.schemas import ProcessComparison
from usecase_service.steps.schemas import Benefits, Problem, Process, Requirements, Services
from usecase_service.vocab import FieldOfAction, Priority, Status, Visibility

Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Slug = Annotated[str, StringConstraints(max_length=63, pattern=r"^[a-z0-9][a-z0-9-]*$")]

CREATE_EXAMPLE: dict[str, Any] = {
    "municipality": "musterstadt",
    "title": "Digitales Parkraummanagement",
    "summary": "Sensors show free parking spaces; drivers find them faster.",
    "field_of_action": "mobility",
    "tags": ["parking", "sensors"],
    "owner": "Amt für Verkehr",
    "visibility": "public",
    "priority": "should",
    "progress": 10,
    "planned_start": "2027-01-01",
    "planned_end": "2027-12-31",
}


def check_dates(start: date | None, end: date | None) -> None:
    if start and end and end < start:
        raise Unprocessable(
            "planned_end is before planned_start.",
            [FieldError(field="body.planned_end", message="before planned_start")],
        )


class UseCaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [CREATE_EXAMPLE]})

    municipality: Slug
    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(default="", max_length=4000)
    field_of_action: FieldOfAction
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    owner: str | None = Field(default=None, max_length=200, description="Organisational unit.")
    visibility: Visibility = Visibility.INTERNAL
    priority: Priority | None = Field(default=None, description="MoSCoW.")
    progress: int = Field(default=0, ge=0, le=100, description="Percent.")
    planned_start: date | None = None
    planned_end: date | None = None

    @model_validator(mode="after")
    def _dates(self) -> Self:
        check_dates(self.planned_start, self.planned_end)
        return self


class UseCasePatch(BaseModel):
    """Only the fields present change."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"visibility": "public", "progress": 40}]},
    )

    title: str | None = Field(default=None, min_length=1, max_length=200)
    summary: str | None = Field(default=None, max_length=4000)
    field_of_action: FieldOfAction | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)
    owner: str | None = Field(default=None, max_length=200)
    visibility: Visibility | None = None
    priority: Priority | None = None
    progress: int | None = Field(default=None, ge=0, le=100)
    planned_start: date | None = None
    planned_end: date | None = None


SUMMARY_EXAMPLE: dict[str, Any] = {
    **CREATE_EXAMPLE,
    "id": "6a1f3c1e-2b7d-4c1e-9a51-0d1f5e3b2a10",
    "status": "assessed",
    "revision": 1,
    "version": 7,
    "flagged": False,
    "npv_total": 84210.55,
    "benefit_cost_ratio": 1.42,
    "supports": 37,
    "adopted_from": None,
    "created_at": "2026-11-26T12:00:00Z",
    "updated_at": "2026-11-26T12:30:00Z",
}


class UseCaseSummary(BaseModel):
    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [SUMMARY_EXAMPLE]}
    )

    id: uuid.UUID
    municipality: str
    title: str
    summary: str
    field_of_action: FieldOfAction
    tags: list[str]
    owner: str | None
    visibility: Visibility
    priority: Priority | None
    progress: int
    status: Status
    revision: int = Field(description="Bumped each time the use case goes back to be revised.")
    version: int = Field(description="Bumped on every change; the ETag.")
    planned_start: date | None
    planned_end: date | None
    flagged: bool = Field(description="A dataset it needs was withdrawn from the catalogue.")
    npv_total: float | None
    benefit_cost_ratio: float | None
    supports: int = Field(description="Citizen supports from participation.")
    adopted_from: dict[str, Any] | None = Field(
        description="The public use case this one was copied from."
    )
    created_at: datetime
    updated_at: datetime


class DataRequirementOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "0b0e8f1c-1d0a-4a55-8f5e-0c3f1a2b3c4d",
                    "dataset_id": "1c9a2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                    "title": "Parkplätze Innenstadt",
                    "description": "",
                    "open": True,
                    "personal": False,
                    "dataset_withdrawn": False,
                    "dataset_title": "Parkplätze Innenstadt",
                }
            ]
        },
    )

    id: uuid.UUID
    dataset_id: uuid.UUID | None
    title: str
    description: str
    open: bool
    personal: bool
    dataset_withdrawn: bool = Field(description="The linked dataset was withdrawn: flagged.")
    dataset_title: str | None = None


class ParticipationResultOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "process_id": "2d4c6e8a-0b1c-4d2e-8f3a-5b6c7d8e9f00",
                    "title": "Beteiligung Parkraum",
                    "summary": "Most participants support the sensors.",
                    "results": {"supports": 120},
                }
            ]
        },
    )

    process_id: uuid.UUID
    title: str
    summary: str
    results: dict[str, Any]


class UseCaseDetail(UseCaseSummary):
    """A use case with all six steps and what is computed from them."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **SUMMARY_EXAMPLE,
                    "problem": None,
                    "process": None,
                    "benefits": None,
                    "requirements": None,
                    "data_requirements": [],
                    "services": None,
                    "assessment": None,
                    "comparison": None,
                    "assessment_result": None,
                    "missing": {"problem_defined": ["problem.statement"]},
                    "participants": 0,
                    "participation_results": [],
                }
            ]
        }
    )

    problem: Problem | None
    process: Process | None
    benefits: Benefits | None
    requirements: Requirements | None
    data_requirements: list[DataRequirementOut]
    services: Services | None
    assessment: AssessmentInput | None
    comparison: ProcessComparison | None = Field(description="Step 2 computed.")
    assessment_result: AssessmentResult | None = Field(description="Step 6 computed.")
    missing: dict[str, list[str]] = Field(
        description="Per step status, what that step still lacks (empty lists when complete)."
    )
    participants: int
    participation_results: list[ParticipationResultOut]


class TransitionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"to": "problem_defined", "reason": "Problem agreed with the office."}]
        },
    )

    to: Status
    reason: str = Field(default="", max_length=2000, description="Required for going back.")


HISTORY_EXAMPLE: dict[str, Any] = {
    "from_status": "assessed",
    "to_status": "approved",
    "reason": "Council decision 2026/123",
    "actor": "admin-musterstadt",
    "revision": 1,
    "at": "2026-11-26T12:00:00Z",
}


class HistoryEntry(BaseModel):
    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [HISTORY_EXAMPLE]}
    )

    from_status: Status | None
    to_status: Status
    reason: str
    actor: str | None
    revision: int
    at: datetime


class History(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [HISTORY_EXAMPLE]}]})

    items: list[HistoryEntry]


class AdoptIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"municipality": "beispielhausen"}]},
    )

    municipality: Slug = Field(description="The municipality that adopts the use case.")
    title: str | None = Field(default=None, min_length=1, max_length=200)
