"""Step 2, the process: as-is and target steps, and the computed comparison."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from usecase_service.vocab import Channel

MAX_STEPS = 100


class ProcessStep(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Check the application",
                    "actor": "Bürgeramt",
                    "channel": "counter",
                    "processing_minutes": 15,
                    "waiting_days": 2,
                    "media_break": True,
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=200)
    actor: str = Field(min_length=1, max_length=200, description="Who does it (role or unit).")
    channel: Channel
    processing_minutes: float = Field(ge=0, le=100_000, description="Working time per case.")
    waiting_days: float = Field(default=0, ge=0, le=3650, description="Waiting before the step.")
    media_break: bool = Field(default=False, description="A Medienbruch (e.g. paper to IT).")


class ProcessComparison(BaseModel):
    """As-is against target, per case and per year (Standardkostenmodell for euros)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "steps_before": 6,
                    "steps_after": 3,
                    "steps_removed": 3,
                    "handovers_before": 4,
                    "handovers_after": 1,
                    "handovers_removed": 3,
                    "media_breaks_before": 3,
                    "media_breaks_after": 0,
                    "media_breaks_removed": 3,
                    "lead_time_days_before": 14.2,
                    "lead_time_days_after": 1.1,
                    "effort_minutes_before": 55,
                    "effort_minutes_after": 12,
                    "cases_per_year": 12000,
                    "hours_saved_per_year": 8600.0,
                    "wage_rate_eur_per_hour": 55.0,
                    "euros_saved_per_year": 473000.0,
                }
            ]
        }
    )

    steps_before: int
    steps_after: int
    steps_removed: int
    handovers_before: int
    handovers_after: int
    handovers_removed: int
    media_breaks_before: int
    media_breaks_after: int
    media_breaks_removed: int
    lead_time_days_before: float = Field(description="Waiting days plus working time (8 h days).")
    lead_time_days_after: float
    effort_minutes_before: float = Field(description="Working minutes per case.")
    effort_minutes_after: float
    cases_per_year: int = Field(description="From the as-is snapshot of step 1 (0 if unknown).")
    hours_saved_per_year: float
    wage_rate_eur_per_hour: float
    euros_saved_per_year: float
