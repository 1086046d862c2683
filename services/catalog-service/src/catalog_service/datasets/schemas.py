"""The datasets API contract."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from servicekit.openapi import DocumentedAs

NAME_PATTERN = r"^[a-z0-9][a-z0-9_\-]{1,99}$"
IRI = Field(default=None, max_length=1000, pattern=r"^https?://\S+$")


class Contact(BaseModel):
    name: str | None = Field(default=None, max_length=300, examples=["Amt für Verkehr"])
    email: str | None = Field(
        default=None, max_length=300, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
        examples=["verkehr@musterstadt.de"],
    )  # fmt: skip
    url: str | None = IRI


class Temporal(BaseModel):
    start: date | None = Field(default=None, examples=["2024-01-01"])
    end: date | None = None


class DistributionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=500, examples=["Belegung als CSV"])
    description: str = Field(default="", max_length=10000)
    access_url: str | None = IRI
    download_url: str | None = IRI
    format: str | None = Field(
        default=None, max_length=200, description="EU file-type code, IRI, extension or media type",
        examples=["CSV"],
    )  # fmt: skip
    media_type: str | None = Field(default=None, max_length=200, examples=["text/csv"])
    byte_size: int | None = Field(default=None, ge=0)
    checksum: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$", description="SHA-256.")
    license: str | None = Field(default=None, max_length=200, description="Licence id or IRI.")


class DistributionPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=500)
    description: str | None = Field(default=None, max_length=10000)
    access_url: str | None = IRI
    download_url: str | None = IRI
    format: str | None = Field(default=None, max_length=200)
    media_type: str | None = Field(default=None, max_length=200)
    license: str | None = Field(default=None, max_length=200)


class DatasetFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=500)
    description: str | None = Field(default=None, min_length=1, max_length=100_000)
    keywords: list[str] | None = Field(default=None, max_length=100)
    themes: list[str] | None = Field(
        default=None, max_length=13, description="EU data-theme codes or IRIs.", examples=[["TRAN"]]
    )
    license: str | None = Field(
        default=None, max_length=200, description="dcat-ap.de licence id or IRI.",
        examples=["dl-by-de/2.0"],
    )  # fmt: skip
    contact: Contact | None = None
    temporal: Temporal | None = None
    spatial: str | None = IRI
    political_geocoding_level: str | None = Field(default=None, max_length=200)
    political_geocoding_uri: str | None = IRI
    accrual_periodicity: str | None = Field(default=None, max_length=200, examples=["DAILY"])
    access_rights: str | None = Field(default=None, max_length=200, examples=["PUBLIC"])
    landing_page: str | None = IRI
    issued: datetime | None = None
    modified: datetime | None = None


class DatasetIn(DatasetFields):
    title: str = Field(min_length=1, max_length=500, examples=["Parkhausbelegung Musterstadt"])
    description: str = Field(min_length=1, max_length=100_000)
    organization: str = Field(min_length=1, max_length=100, description="Organisation id or name.")
    name: str | None = Field(
        default=None, pattern=NAME_PATTERN, description="URL name; derived from the title if empty",
        examples=["parkhausbelegung"],
    )  # fmt: skip
    distributions: list[DistributionIn] = Field(default_factory=list, max_length=100)


class DatasetPatch(DatasetFields):
    pass


class ThemeOut(BaseModel):
    code: str
    uri: str
    label: str


class LicenseOut(BaseModel):
    id: str
    uri: str
    title: str
    url: str
    open: bool


class TableField(BaseModel):
    name: str = Field(examples=["belegt"])
    type: str = Field(
        description="Frictionless Table Schema field type (`string`, `integer`, `number`, "
        "`boolean`, `date`, `datetime`, ...).",
        examples=["integer"],
    )


class FileSchema(BaseModel):
    """What the catalogue inferred from a stored table file (CSV, JSON, XLSX, ...)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "fields": [
                        {"name": "stellplatz", "type": "string"},
                        {"name": "belegt", "type": "boolean"},
                        {"name": "zeitpunkt", "type": "datetime"},
                    ],
                    "rows": 320,
                    "encoding": "utf-8",
                    "dialect": {"csv": {"delimiter": ";"}},
                    "format": "CSV",
                }
            ]
        }
    )

    fields: list[TableField] = Field(description="The columns, in file order.")
    rows: int | None = Field(description="Data rows, the header not counted.")
    encoding: str | None = Field(description="The text encoding; null for binary formats.")
    dialect: dict[str, Any] = Field(
        description="The Frictionless dialect descriptor as Frictionless reports it (delimiter, "
        "header rows, sheet, ...); its keys depend on the format and the library version."
    )
    format: str = Field(description="The file type code (e.g. `CSV`, `XLSX`).")


class DistributionOut(BaseModel):
    id: uuid.UUID
    dataset_id: uuid.UUID
    title: str
    description: str
    access_url: str | None
    download_url: str | None
    format: str | None
    format_uri: str | None
    media_type: str | None
    byte_size: int | None
    checksum: str | None
    license: LicenseOut | None
    has_file: bool
    file_schema: Annotated[dict[str, Any], DocumentedAs(FileSchema)] | None = Field(
        default=None,
        description="For a stored table file: its columns and row count (rows can be queried).",
    )
    created_at: datetime
    updated_at: datetime


class OrganizationRef(BaseModel):
    id: uuid.UUID
    name: str
    title: str


class Origin(BaseModel):
    harvest_source_id: uuid.UUID
    id: str | None
    url: str | None


class Demand(BaseModel):
    requirement_id: uuid.UUID
    use_case_id: uuid.UUID
    use_case_title: str
    title: str


class DatasetOut(BaseModel):
    id: uuid.UUID
    name: str
    municipality: str
    organization: OrganizationRef
    status: str = Field(examples=["published"])
    title: str
    description: str
    keywords: list[str]
    themes: list[ThemeOut]
    license: LicenseOut | None
    contact: Contact
    temporal: Temporal
    spatial: str | None
    political_geocoding_level: str | None
    political_geocoding_uri: str | None
    accrual_periodicity: str | None
    access_rights: str | None
    landing_page: str | None
    issued: datetime | None
    modified: datetime | None
    metadata_created: datetime
    metadata_modified: datetime
    origin: Origin | None
    version: int
    distributions: list[DistributionOut]
    demand: list[Demand] = Field(default_factory=list, description="Use cases needing this data.")


class FacetValue(BaseModel):
    value: str
    label: str
    count: int


class DatasetSearchPage(BaseModel):
    count: int = Field(description="Datasets matching in total.")
    items: list[DatasetOut]
    facets: dict[str, list[FacetValue]]
    next_cursor: str | None = None
