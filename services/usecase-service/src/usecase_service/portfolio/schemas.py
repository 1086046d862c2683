"""The portfolio API contract."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from usecase_service.parameters.schemas import PortfolioWeights
from usecase_service.vocab import Status

COMPONENT_EXAMPLE: dict[str, Any] = {
    "value": 84210.55,
    "normalized": 0.75,
    "weight": 40,
    "contribution": 30.0,
}


class ComponentOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [COMPONENT_EXAMPLE]})

    value: float | None = Field(description="The raw figure (NPV, score, supports).")
    normalized: float = Field(description="0..1")
    weight: float
    contribution: float = Field(description="normalized * weight; the score is their sum.")


class RankedUseCase(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "rank": 1,
                    "id": "6a1f3c1e-2b7d-4c1e-9a51-0d1f5e3b2a10",
                    "title": "Digitales Parkraummanagement",
                    "status": "assessed",
                    "priority": "should",
                    "score": 71.5,
                    "components": {"economic": COMPONENT_EXAMPLE},
                    "npv_total": 84210.55,
                    "benefit_cost_ratio": 1.42,
                    "supports": 37,
                    "investment": 150000.0,
                    "yearly_savings": 42000.0,
                }
            ]
        }
    )

    rank: int
    id: uuid.UUID
    title: str
    status: Status
    priority: str | None
    score: float = Field(description="0..100")
    components: dict[str, ComponentOut]
    npv_total: float | None
    benefit_cost_ratio: float | None
    supports: int
    investment: float
    yearly_savings: float


class StatusTotals(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"use_cases": 3, "investment": 250000.0, "yearly_savings": 80000.0}]
        }
    )

    use_cases: int
    investment: float
    yearly_savings: float


class Totals(StatusTotals):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "use_cases": 3,
                    "investment": 250000.0,
                    "yearly_savings": 80000.0,
                    "by_status": {
                        "approved": {"use_cases": 1, "investment": 1e5, "yearly_savings": 3e4}
                    },
                }
            ]
        }
    )

    by_status: dict[str, StatusTotals]


class Portfolio(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "municipality": "musterstadt",
                    "weights": {"economic": 40, "qualitative": 30, "support": 20, "urgency": 10},
                    "method": "Each component is normalised to 0..1 ...",
                    "items": [],
                    "totals": {
                        "use_cases": 0,
                        "investment": 0.0,
                        "yearly_savings": 0.0,
                        "by_status": {},
                    },
                }
            ]
        }
    )

    municipality: str
    weights: PortfolioWeights
    method: str = Field(description="How the score is computed, in words.")
    items: list[RankedUseCase]
    totals: Totals


class RoadmapItem(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "6a1f3c1e-2b7d-4c1e-9a51-0d1f5e3b2a10",
                    "title": "Digitales Parkraummanagement",
                    "priority": "should",
                    "progress": 40,
                    "planned_start": "2027-01-01",
                    "planned_end": "2027-12-31",
                }
            ]
        }
    )

    id: uuid.UUID
    title: str
    priority: str | None
    progress: int
    planned_start: date | None
    planned_end: date | None


class RoadmapLane(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "piloting", "items": []}]})

    status: Status
    items: list[RoadmapItem]


class Roadmap(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"municipality": "musterstadt", "lanes": [{"status": "draft", "items": []}]}
            ]
        }
    )

    municipality: str
    lanes: list[RoadmapLane] = Field(description="One per status in lifecycle order.")
