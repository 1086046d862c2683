from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gateway.municipalities.states import STATE_BY_PREFIX, STATES

Slug = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
        description="Lower-case name used in URLs and on every record (the tenant).",
        examples=["musterstadt"],
    ),
]
RegionalKey = Annotated[
    str,
    Field(
        pattern=r"^[0-9]{12}$",
        description="Official regional key (Amtlicher Regionalschlüssel, ARS), 12 digits; "
        "the first two digits name the federal state.",
        examples=["091620000000"],
    ),
]
FederalState = Annotated[
    str,
    Field(
        description="ISO 3166-2:DE code of the federal state without `DE-`.",
        examples=["BY"],
        json_schema_extra={"enum": sorted(STATES)},
    ),
]


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, max_length=200, examples=["Bürgerbüro"])
    email: str | None = Field(
        default=None,
        max_length=254,
        pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
        examples=["smartcity@musterstadt.de"],
    )
    phone: str | None = Field(default=None, max_length=50, examples=["+49 89 1234-0"])


class MunicipalityIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "slug": "musterstadt",
                    "name": "Musterstadt",
                    "regional_key": "091620000000",
                    "federal_state": "BY",
                    "contact": {"email": "smartcity@musterstadt.de"},
                }
            ]
        },
    )
    slug: Slug
    name: str = Field(min_length=1, max_length=200, examples=["Musterstadt"])
    regional_key: RegionalKey
    federal_state: FederalState
    contact: Contact = Field(default_factory=Contact)

    @model_validator(mode="after")
    def _state_matches_key(self) -> MunicipalityIn:
        check_state(self.federal_state, self.regional_key)
        return self


class MunicipalityPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"active": False}]})
    name: str | None = Field(default=None, min_length=1, max_length=200)
    regional_key: RegionalKey | None = None
    federal_state: FederalState | None = None
    contact: Contact | None = None
    active: bool | None = None


class MunicipalityOut(BaseModel):
    id: uuid.UUID
    slug: str = Field(examples=["musterstadt"])
    name: str = Field(examples=["Musterstadt"])
    regional_key: str = Field(examples=["091620000000"])
    federal_state: str = Field(examples=["BY"])
    contact: Contact | None = Field(
        default=None, description="Shown to platform admins and the municipality's members."
    )
    active: bool
    created_at: datetime
    updated_at: datetime


def check_state(federal_state: str, regional_key: str) -> None:
    if federal_state not in STATES:
        raise ValueError(f"federal_state must be one of {', '.join(sorted(STATES))}")
    expected = STATE_BY_PREFIX.get(regional_key[:2])
    if expected != federal_state:
        raise ValueError(
            f"regional_key {regional_key} belongs to {expected or 'no federal state'}, "
            f"not {federal_state}"
        )
