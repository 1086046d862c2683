from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from participation_service.surveys.schemas import SurveyResults
from participation_service.text import Body


class ContributionResult(BaseModel):
    id: uuid.UUID
    kind: str
    title: str
    category: str | None
    state: str
    stakeholder_group: str
    supports: int
    supports_by_group: dict[str, int]
    comments: int
    answer: str | None


class Totals(BaseModel):
    contributions: int
    supports: int
    comments: int
    participants: int = Field(description="Distinct supporters and authors.")
    contributions_by_group: dict[str, int]
    supports_by_group: dict[str, int]


class ProcessResults(BaseModel):
    process_id: uuid.UUID
    use_case_id: uuid.UUID
    municipality: str
    title: str
    status: str
    generated_at: datetime = Field(description="Rounded down to the hour.")
    results_published_at: datetime | None
    summary: str | None
    totals: Totals
    contributions: list[ContributionResult] = Field(description="Most supported first.")
    surveys: list[SurveyResults]


class PublishIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"summary": "142 Beiträge, Parken am Markt vorn."}},
    )
    summary: Body
