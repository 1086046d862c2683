"""Metadata quality score modelled on the data.europa.eu Metadata Quality Assessment (MQA):
five dimensions with the MQA's points per indicator (405 in total) and a hint for each
missing indicator. Pure: works on a dataset object and its distributions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from catalog_service.vocab import vocabulary

# Open, machine-readable formats (MQA: "non-proprietary" and "machine-readable" lists, shortened).
NON_PROPRIETARY = {
    "CSV", "JSON", "XML", "GEOJSON", "RDF_TURTLE", "RDF_XML", "JSON_LD", "ODS", "TXT", "HTML",
    "GML", "KML", "GPKG", "PARQUET", "PDF", "WMS_SRVC", "WFS_SRVC", "ZIP", "ODT", "N_TRIPLES",
}  # fmt: skip
MACHINE_READABLE = {
    "CSV", "JSON", "XML", "GEOJSON", "RDF_TURTLE", "RDF_XML", "JSON_LD", "ODS", "XLSX", "XLS",
    "GML", "KML", "GPKG", "PARQUET", "WMS_SRVC", "WFS_SRVC", "SHP", "N_TRIPLES",
}  # fmt: skip
RATINGS = ((351, "excellent"), (221, "good"), (121, "sufficient"), (0, "bad"))


class Indicator(BaseModel):
    name: str
    points: int
    max_points: int
    hint: str | None = Field(default=None, examples=["Add a licence from the dcat-ap.de list."])


class Dimension(BaseModel):
    name: str
    points: int
    max_points: int
    indicators: list[Indicator]


class Quality(BaseModel):
    points: int = Field(examples=[310])
    max_points: int = 405
    rating: str = Field(examples=["good"])
    dimensions: list[Dimension]
    hints: list[str]


class HintCount(BaseModel):
    hint: str = Field(examples=["Add a licence from the dcat-ap.de list."])
    datasets: int = Field(description="How many of the datasets it applies to.", examples=[12])


class OrganizationQuality(BaseModel):
    organization: str
    datasets: int
    average_points: float
    max_points: int = 405
    rating: str
    frequent_hints: list[HintCount] = Field(
        description="Hints with the number of datasets they apply to, most frequent first."
    )


@dataclass
class _Check:
    dimension: str
    name: str
    points: int
    ok: bool
    hint: str


def _share(dists: list[Any], test: Any) -> bool:
    return bool(dists) and all(test(d) for d in dists)


def _checks(ds: Any) -> list[_Check]:
    dists = list(ds.distributions)
    formats = [d.format for d in dists]
    lic = vocabulary().license(ds.license_id) if ds.license_id else None
    return [
        _Check("findability", "keywords", 30, bool(ds.keywords), "Add keywords."),
        _Check("findability", "themes", 30, bool(ds.themes), "Add a theme from the EU list."),
        _Check("findability", "spatial", 20,
               bool(ds.spatial_uri or ds.political_geocoding_uri), "Add the spatial coverage."),
        _Check("findability", "temporal", 20,
               bool(ds.temporal_start or ds.temporal_end), "Add the time period covered."),
        _Check("accessibility", "access_url", 50,
               _share(dists, lambda d: d.access_url or d.download_url or d.file_key),
               "Give every distribution an access URL."),
        _Check("accessibility", "download_url", 20,
               any(d.download_url or d.file_key for d in dists), "Add a direct download URL."),
        _Check("accessibility", "download_available", 30,
               any(d.file_key for d in dists),
               "Upload the file to the catalogue so its availability is known."),
        _Check("interoperability", "format", 20,
               _share(dists, lambda d: d.format), "Name the file format of every distribution."),
        _Check("interoperability", "media_type", 10,
               _share(dists, lambda d: d.media_type), "Give the media type of every distribution."),
        _Check("interoperability", "format_vocabulary", 10,
               _share(dists, lambda d: d.format), "Use formats from the EU file-type list."),
        _Check("interoperability", "non_proprietary", 20,
               any(f in NON_PROPRIETARY for f in formats),
               "Offer at least one open format (e.g. CSV instead of XLSX)."),
        _Check("interoperability", "machine_readable", 20,
               any(f in MACHINE_READABLE for f in formats),
               "Offer a machine-readable format (CSV, JSON, GeoJSON, ...)."),
        _Check("interoperability", "dcat_ap_compliance", 30,
               bool(ds.title and ds.description and dists and ds.organization_id),
               "Add at least one distribution (DCAT-AP mandatory properties)."),
        _Check("reusability", "license", 20, bool(ds.license_id), "Add a licence."),
        _Check("reusability", "license_vocabulary", 10,
               lic is not None, "Use a licence from the dcat-ap.de list."),
        _Check("reusability", "access_rights", 10,
               bool(ds.access_rights), "State the access rights (e.g. PUBLIC)."),
        _Check("reusability", "access_rights_vocabulary", 5,
               bool(ds.access_rights), "Use access rights from the EU list."),
        _Check("reusability", "contact_point", 20,
               bool(ds.contact_email or ds.contact_url), "Add a contact point with an email."),
        _Check("reusability", "publisher", 10, bool(ds.organization_id), "Name the publisher."),
        _Check("contextuality", "rights", 5,
               bool(lic and lic.open), "Choose an open licence so reuse is clear."),
        _Check("contextuality", "byte_size", 5,
               any(d.byte_size for d in dists), "Give the file size."),
        _Check("contextuality", "issued", 5, bool(ds.issued), "Add the date of issue."),
        _Check("contextuality", "modified", 5,
               bool(ds.modified), "Add the date of the last modification."),
    ]  # fmt: skip


def rating(points: float) -> str:
    return next(name for threshold, name in RATINGS if points >= threshold)


def assess(ds: Any) -> Quality:
    checks = _checks(ds)
    dimensions: list[Dimension] = []
    for name in (
        "findability",
        "accessibility",
        "interoperability",
        "reusability",
        "contextuality",
    ):
        mine = [c for c in checks if c.dimension == name]
        indicators = [
            Indicator(
                name=c.name, points=c.points if c.ok else 0, max_points=c.points,
                hint=None if c.ok else c.hint,
            )
            for c in mine
        ]  # fmt: skip
        dimensions.append(
            Dimension(
                name=name,
                points=sum(i.points for i in indicators),
                max_points=sum(c.points for c in mine),
                indicators=indicators,
            )
        )
    points = sum(d.points for d in dimensions)
    hints = [c.hint for c in checks if not c.ok]
    return Quality(points=points, rating=rating(points), dimensions=dimensions, hints=hints)
