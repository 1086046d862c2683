"""The organisations API contract."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from catalog_service.datasets.schemas import NAME_PATTERN


class OrganizationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    municipality: str = Field(min_length=1, max_length=63, examples=["musterstadt"])
    name: str = Field(pattern=NAME_PATTERN, examples=["stadt-musterstadt"])
    title: str = Field(min_length=1, max_length=300, examples=["Stadt Musterstadt"])
    description: str = Field(default="", max_length=10000)
    contributor_id: str = Field(
        max_length=200, description="DCAT-AP.de contributor id (or IRI) GovData knows the "
        "delivering portal by.", examples=["openNRW"],
    )  # fmt: skip
    political_geocoding_level: str | None = Field(default=None, examples=["municipality"])
    political_geocoding_uri: str | None = Field(
        default=None, pattern=r"^https?://\S+$",
        examples=["http://dcat-ap.de/def/politicalGeocoding/regionalKey/057110000000"],
    )  # fmt: skip
    homepage: str | None = Field(default=None, pattern=r"^https?://\S+$")
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class OrganizationPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=10000)
    contributor_id: str | None = Field(default=None, max_length=200)
    political_geocoding_level: str | None = None
    political_geocoding_uri: str | None = Field(default=None, pattern=r"^https?://\S+$")
    homepage: str | None = Field(default=None, pattern=r"^https?://\S+$")
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class OrganizationOut(BaseModel):
    id: uuid.UUID
    municipality: str
    name: str
    title: str
    description: str
    contributor_id: str | None
    political_geocoding_level: str | None
    political_geocoding_uri: str | None
    homepage: str | None
    email: str | None
    dataset_count: int = Field(default=0, description="Published datasets.")
    created_at: datetime
    version: int
