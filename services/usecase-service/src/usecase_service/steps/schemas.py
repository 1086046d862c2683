"""The six steps' inputs (steps 2 and 6 live in `processes` and `assessment`)."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from usecase_service.processes.schemas import MAX_STEPS, ProcessStep
from usecase_service.vocab import Group, ProviderKind, Sourcing

SNAPSHOT_EXAMPLE: dict[str, Any] = {
    "cases_per_year": 12000,
    "processing_minutes_per_case": 25,
    "waiting_days": 10,
    "steps": 6,
    "handovers": 4,
    "media_breaks": 3,
    "cost_per_case": 23.5,
    "ozg_level": 1,
}
BENEFIT_EXAMPLE: dict[str, Any] = {
    "group": "citizens",
    "description": "No visit to the office",
    "kpi": "Share of online registrations",
    "baseline": "0 %",
    "target": "60 %",
    "yearly_value_eur": 90000,
}
SERVICE_EXAMPLE: dict[str, Any] = {
    "name": "Online registration service",
    "provider": "Dataport",
    "provider_kind": "einer_fuer_alle",
    "sourcing": "reuse",
    "estimated_cost_eur": 15000,
}


class Snapshot(BaseModel):
    """A state of the service, as-is or to-be (Ist / Soll)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [SNAPSHOT_EXAMPLE]})

    cases_per_year: int = Field(ge=0, le=100_000_000)
    processing_minutes_per_case: float = Field(ge=0, le=100_000)
    waiting_days: float = Field(ge=0, le=3650)
    steps: int = Field(ge=0, le=1000)
    handovers: int = Field(ge=0, le=1000)
    media_breaks: int = Field(ge=0, le=1000)
    cost_per_case: float = Field(ge=0, le=1e9, description="Euros.")
    ozg_level: int = Field(ge=0, le=7, description="OZG maturity: 0-4 (model 1.x) or 0-7 (2.0).")


class Problem(BaseModel):
    """Step 1: the problem with an as-is / to-be comparison (Ist-Soll-Vergleich)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "statement": "Residents must visit the office to register a move.",
                    "affected_groups": ["citizens", "administration"],
                    "as_is": SNAPSHOT_EXAMPLE,
                    "to_be": {
                        "cases_per_year": 12000,
                        "processing_minutes_per_case": 5,
                        "waiting_days": 1,
                        "steps": 3,
                        "handovers": 1,
                        "media_breaks": 0,
                        "cost_per_case": 4.8,
                        "ozg_level": 3,
                    },
                }
            ]
        },
    )

    statement: str = Field(default="", max_length=4000)
    affected_groups: list[Group] = Field(default_factory=list, max_length=4)
    as_is: Snapshot | None = None
    to_be: Snapshot | None = None


class Process(BaseModel):
    """Step 2: the as-is and the target process as ordered steps."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "as_is": [
                        {
                            "name": "Fill in paper form",
                            "actor": "Resident",
                            "channel": "paper",
                            "processing_minutes": 10,
                            "waiting_days": 0,
                            "media_break": False,
                        },
                        {
                            "name": "Type data into the register",
                            "actor": "Bürgeramt",
                            "channel": "counter",
                            "processing_minutes": 15,
                            "waiting_days": 7,
                            "media_break": True,
                        },
                    ],
                    "target": [
                        {
                            "name": "Online application",
                            "actor": "Resident",
                            "channel": "online_form",
                            "processing_minutes": 8,
                            "waiting_days": 0,
                            "media_break": False,
                        }
                    ],
                }
            ]
        },
    )

    as_is: list[ProcessStep] = Field(default_factory=list, max_length=MAX_STEPS)
    target: list[ProcessStep] = Field(default_factory=list, max_length=MAX_STEPS)


class Benefit(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "group": "citizens",
                    "description": "No visit to the office",
                    "kpi": "Share of online registrations",
                    "baseline": "0 %",
                    "target": "60 %",
                    "yearly_value_eur": 90000,
                }
            ]
        },
    )

    group: Group
    description: str = Field(min_length=1, max_length=2000)
    kpi: str = Field(min_length=1, max_length=300)
    baseline: str = Field(default="", max_length=200)
    target: str = Field(default="", max_length=200)
    yearly_value_eur: float | None = Field(default=None, ge=0, le=1e12)


class Benefits(BaseModel):
    """Step 3: the benefit per beneficiary group."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"items": [BENEFIT_EXAMPLE]}]},
    )

    items: list[Benefit] = Field(default_factory=list, max_length=50)


class TechnologyComponent(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"name": "LoRaWAN gateway", "description": "Radio network for sensors"}]
        },
    )

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)


class Actor(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"name": "Ordnungsamt", "role": "operator", "internal": True}]
        },
    )

    name: str = Field(min_length=1, max_length=200)
    role: str = Field(min_length=1, max_length=200)
    internal: bool = True


class Requirements(BaseModel):
    """Step 4 (technology and actors; the data needed are `data-requirements`)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "technology": [{"name": "Parking sensors", "description": "In-ground"}],
                    "actors": [{"name": "Ordnungsamt", "role": "operator", "internal": True}],
                }
            ]
        },
    )

    technology: list[TechnologyComponent] = Field(default_factory=list, max_length=50)
    actors: list[Actor] = Field(default_factory=list, max_length=50)


class RequiredService(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Online registration service",
                    "provider": "Dataport",
                    "provider_kind": "einer_fuer_alle",
                    "sourcing": "reuse",
                    "estimated_cost_eur": 15000,
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=200)
    provider: str = Field(min_length=1, max_length=200)
    provider_kind: ProviderKind
    sourcing: Sourcing
    estimated_cost_eur: float = Field(ge=0, le=1e12)


class Services(BaseModel):
    """Step 5: the services needed and who can provide them."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"items": [SERVICE_EXAMPLE]}]},
    )

    items: list[RequiredService] = Field(default_factory=list, max_length=50)


class DataRequirementIn(BaseModel):
    """Data needed: a catalogue dataset, or described data still to be found."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "dataset_id": None,
                    "title": "Parking occupancy per space",
                    "description": "Live occupancy from in-ground sensors",
                    "open": True,
                    "personal": False,
                }
            ]
        },
    )

    dataset_id: uuid.UUID | None = Field(
        default=None, description="A published catalogue dataset; null while still to be found."
    )
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=2000)
    open: bool = Field(default=True, description="May be published as open data.")
    personal: bool = Field(default=False, description="Contains personal data (GDPR).")
