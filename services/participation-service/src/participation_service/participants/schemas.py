from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from participation_service.text import Name

StakeholderGroup = Literal["citizen", "business", "administration", "other"]


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


class DataExport(BaseModel):
    """Everything this service stores about you."""

    profile: ProfileOut | None
    contributions: list[dict[str, Any]]
    comments: list[dict[str, Any]]
    supports: list[dict[str, Any]]
    survey_responses: list[dict[str, Any]]
    reports: list[dict[str, Any]]
    blocks: list[dict[str, Any]]
    invitations: list[str]


class Deletion(BaseModel):
    deleted: bool
    anonymised_supports: int
    anonymised_survey_responses: int
    anonymised_contributions: int
    anonymised_comments: int
