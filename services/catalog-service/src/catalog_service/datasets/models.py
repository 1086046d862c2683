"""Datasets and distributions (DCAT-AP.de), and the facet rows search filters on."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog_service.database import Base
from servicekit.db import UTCDateTime, new_id, utcnow

DRAFT, PUBLISHED, WITHDRAWN = "draft", "published", "withdrawn"


class Dataset(Base):
    __tablename__ = "datasets"
    __table_args__ = (
        Index("ix_datasets_status_modified", "status", "metadata_modified"),
        Index("ix_datasets_harvest_origin", "harvest_source_id", "origin_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    municipality: Mapped[str] = mapped_column(String(63), index=True)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    license_id: Mapped[str | None] = mapped_column(String(100))
    contact_name: Mapped[str | None] = mapped_column(String(300))
    contact_email: Mapped[str | None] = mapped_column(String(300))
    contact_url: Mapped[str | None] = mapped_column(String(500))
    temporal_start: Mapped[date | None] = mapped_column(Date)
    temporal_end: Mapped[date | None] = mapped_column(Date)
    spatial_uri: Mapped[str | None] = mapped_column(String(500))
    political_geocoding_level: Mapped[str | None] = mapped_column(String(40))
    political_geocoding_uri: Mapped[str | None] = mapped_column(String(500))
    accrual_periodicity: Mapped[str | None] = mapped_column(String(40))
    access_rights: Mapped[str | None] = mapped_column(String(40))
    landing_page: Mapped[str | None] = mapped_column(String(1000))
    issued: Mapped[datetime | None] = mapped_column(UTCDateTime)
    modified: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extras: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    harvest_source_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("harvest_sources.id", ondelete="SET NULL")
    )
    origin_id: Mapped[str | None] = mapped_column(String(300))
    origin_url: Mapped[str | None] = mapped_column(String(1000))
    metadata_created: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    metadata_modified: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    distributions: Mapped[list[Distribution]] = relationship(
        back_populates="dataset",
        order_by="Distribution.created_at",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    @property
    def harvested(self) -> bool:
        return self.harvest_source_id is not None


class Distribution(Base):
    __tablename__ = "distributions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    dataset_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("datasets.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    access_url: Mapped[str | None] = mapped_column(String(1000))
    download_url: Mapped[str | None] = mapped_column(String(1000))
    format: Mapped[str | None] = mapped_column(String(40))
    media_type: Mapped[str | None] = mapped_column(String(200))
    byte_size: Mapped[int | None] = mapped_column(BigInteger)
    checksum: Mapped[str | None] = mapped_column(String(128))
    license_id: Mapped[str | None] = mapped_column(String(100))
    file_key: Mapped[str | None] = mapped_column(String(300))
    file_schema: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    origin_id: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dataset: Mapped[Dataset] = relationship(back_populates="distributions", lazy="raise")


class DatasetFacet(Base):
    """One row per (dataset, facet, value): what search filters and counts facets on.
    Rewritten in the same transaction as every change of its dataset."""

    __tablename__ = "dataset_facets"
    __table_args__ = (Index("ix_dataset_facets_value", "facet", "value", "dataset_id"),)

    dataset_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True
    )
    facet: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(300), primary_key=True)
