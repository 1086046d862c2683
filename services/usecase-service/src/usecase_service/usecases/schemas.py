"""The use-case API contract."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from servicekit.problems import FieldError, Unprocessable
from usecase_service.assessment.schemas import AssessmentInput, AssessmentResult
from usecase_service.examples import (
    ADOPTED_FROM_EXAMPLE,
    DATA_REQUIREMENT_EXAMPLE,
    DETAIL_EXAMPLE,
    HISTORY_EXAMPLE,
    PARTICIPATION_RESULT_EXAMPLE,
    SUMMARY_EXAMPLE,
)
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


class AdoptedFrom(BaseModel):
    """The public use case a copy was made from, as it was when adopted."""

    model_config = ConfigDict(json_schema_extra={"examples": [ADOPTED_FROM_EXAMPLE]})

    id: uuid.UUID
    municipality: str
    title: str
    version: int = Field(description="Its version when it was copied.")


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
    adopted_from: AdoptedFrom | None = Field(
        description="The public use case this one was copied from; null if it was not."
    )
    created_at: datetime
    updated_at: datetime


class DataRequirementOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [DATA_REQUIREMENT_EXAMPLE]}
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
        from_attributes=True, json_schema_extra={"examples": [PARTICIPATION_RESULT_EXAMPLE]}
    )

    process_id: uuid.UUID
    title: str
    summary: str
    results: dict[str, Any] = Field(
        description="The aggregates exactly as the participation service published them "
        "(event `participation.results.published`, `data.results`: `totals`, the top "
        "`contributions` with `contributions_truncated`, `surveys` without free texts). "
        "Relayed unchanged, so the participation service owns this shape; see its "
        "`GET /api/v1/processes/{process_id}/results` for the fields."
    )


class UseCaseDetail(UseCaseSummary):
    """A use case with all six steps and what is computed from them."""

    model_config = ConfigDict(json_schema_extra={"examples": [DETAIL_EXAMPLE]})

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
