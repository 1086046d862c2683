"""The harvesting API contract."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class HarvestSourceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organization: str = Field(description="Id or name of the organisation the records belong to.")
    title: str = Field(min_length=1, max_length=300, examples=["Open-Data-Portal des Kreises"])
    url: str = Field(
        pattern=r"^https?://\S+$", max_length=1000,
        description="CKAN: the site's base URL. DCAT: the catalogue's URL (e.g. .../catalog.ttl).",
        examples=["https://opendata.kreis.example"],
    )  # fmt: skip
    kind: Literal["ckan", "dcat"] = Field(
        description="`ckan`: a CKAN Action API (package_search, paged, incremental by "
        "metadata_modified); `dcat`: a DCAT RDF catalogue (Turtle, RDF/XML or JSON-LD).",
        examples=["ckan"],
    )
    schedule_minutes: int | None = Field(
        default=None,
        ge=5,
        le=60 * 24 * 31,
        description="Harvest every N minutes; null = on demand.",
    )


class HarvestSourceOut(BaseModel):
    id: uuid.UUID
    municipality: str
    organization_id: uuid.UUID
    title: str
    url: str
    kind: str
    schedule_minutes: int | None
    last_harvested_modified: datetime | None
    last_run_at: datetime | None
    created_at: datetime


class RecordError(BaseModel):
    record: str = Field(examples=["https://opendata.kreis.example/dataset/abc"])
    message: str = Field(examples=["temporal.start: Input should be a valid date"])


class HarvestRunOut(BaseModel):
    id: uuid.UUID
    source_id: uuid.UUID
    status: str = Field(examples=["finished"], description="running, finished or failed")
    started_at: datetime
    finished_at: datetime | None
    created: int
    updated: int
    unchanged: int
    withdrawn: int
    errors: list[RecordError]
    message: str | None


class RunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full: bool = Field(default=False, description="Ignore the last modified date; read everything.")


def record_error(record: str, message: str) -> dict[str, Any]:
    return {"record": record[:300], "message": message[:500]}
