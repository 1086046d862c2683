"""Datasets ↔ CKAN package dicts (the keys of CKAN core and ckanext-dcatde's extras).
One mapping serves the CKAN API and the CKAN harvester. Pure."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from catalog_service.datasets.models import PUBLISHED, WITHDRAWN, Dataset, Distribution
from catalog_service.organizations.models import Organization
from catalog_service.vocab import (
    ACCESS_RIGHT_BASE,
    CONTRIBUTOR_BASE,
    FREQUENCY_BASE,
    GEOCODING_LEVEL_BASE,
    vocabulary,
)

STATES = {PUBLISHED: "active", WITHDRAWN: "deleted"}


def ckan_time(value: datetime | None) -> str | None:
    """CKAN's timestamps: UTC without offset, microseconds."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def organization_dict(org: Organization, package_count: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": str(org.id),
        "name": org.name,
        "title": org.title,
        "display_name": org.title,
        "description": org.description,
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "created": ckan_time(org.created_at),
        "extras": [
            {"key": "municipality", "value": org.municipality},
            {"key": "contributorID", "value": org.contributor_id or ""},
        ],
    }
    if package_count is not None:
        out["package_count"] = package_count
    return out


def group_dict(code: str, package_count: int | None = None) -> dict[str, Any]:
    theme = vocabulary().themes[code]
    out: dict[str, Any] = {
        "id": code.lower(),
        "name": code.lower(),
        "title": theme.de,
        "display_name": theme.de,
        "description": theme.en,
        "type": "group",
        "is_organization": False,
        "state": "active",
        "image_url": "",
        "extras": [{"key": "uri", "value": theme.uri}],
    }
    if package_count is not None:
        out["package_count"] = package_count
    return out


def license_dict(license_id: str) -> dict[str, Any]:
    lic = vocabulary().licenses[license_id]
    conformance = "approved" if lic.open else "not reviewed"
    return {
        "id": lic.id,
        "title": lic.title,
        "url": lic.url,
        "uri": lic.uri,
        "od_conformance": conformance,
        "osd_conformance": "not reviewed",
        "domain_content": False,
        "domain_data": True,
        "domain_software": False,
        "family": "",
        "maintainer": "",
        "status": "active",
        "is_generic": False,
        "is_okd_compliant": lic.open,
        "is_osi_compliant": False,
    }


def resource_dict(ds: Dataset, d: Distribution, position: int, base_url: str) -> dict[str, Any]:
    file_url = f"{base_url}/api/v1/distributions/{d.id}/file" if d.file_key else None
    return {
        "id": str(d.id),
        "package_id": str(ds.id),
        "name": d.title,
        "description": d.description,
        "url": d.download_url or file_url or d.access_url or "",
        "access_url": d.access_url or d.download_url or file_url,
        "download_url": d.download_url or file_url,
        "format": d.format or "",
        "mimetype": d.media_type,
        "size": d.byte_size,
        "hash": d.checksum or "",
        "license": d.license_id,
        "url_type": "upload" if d.file_key else None,
        "datastore_active": bool(d.file_schema),
        "created": ckan_time(d.created_at),
        "last_modified": ckan_time(d.updated_at),
        "metadata_modified": ckan_time(d.updated_at),
        "position": position,
        "state": "active",
    }


def package_dict(ds: Dataset, org: Organization, base_url: str) -> dict[str, Any]:
    vocab = vocabulary()
    lic = vocab.licenses.get(ds.license_id or "")
    extras: dict[str, Any] = {
        "municipality": ds.municipality,
        "contributorID": json.dumps([CONTRIBUTOR_BASE + org.contributor_id])
        if org.contributor_id
        else None,
        "politicalGeocodingLevelURI": GEOCODING_LEVEL_BASE + ds.political_geocoding_level
        if ds.political_geocoding_level
        else None,
        "politicalGeocodingURI": json.dumps([ds.political_geocoding_uri])
        if ds.political_geocoding_uri
        else None,
        "temporal_start": ds.temporal_start.isoformat() if ds.temporal_start else None,
        "temporal_end": ds.temporal_end.isoformat() if ds.temporal_end else None,
        "spatial_uri": ds.spatial_uri,
        "frequency": FREQUENCY_BASE + ds.accrual_periodicity if ds.accrual_periodicity else None,
        "access_rights": ACCESS_RIGHT_BASE + ds.access_rights if ds.access_rights else None,
        "issued": ds.issued.isoformat() if ds.issued else None,
        "modified": ds.modified.isoformat() if ds.modified else None,
        "theme": json.dumps([vocab.themes[t].uri for t in ds.themes if t in vocab.themes]),
        "contact_email": ds.contact_email,
        "contact_uri": ds.contact_url,
        "uri": f"{base_url}/dataset/{ds.id}",
        "harvest_source_url": ds.origin_url,
    }
    return {
        "id": str(ds.id),
        "name": ds.name,
        "title": ds.title,
        "notes": ds.description,
        "url": ds.landing_page or "",
        "type": "dataset",
        "state": STATES.get(ds.status, "draft"),
        "private": ds.status != PUBLISHED,
        "license_id": ds.license_id or "",
        "license_title": lic.title if lic else None,
        "license_url": lic.url if lic else None,
        "isopen": bool(lic and lic.open),
        "owner_org": str(org.id),
        "organization": organization_dict(org),
        "maintainer": ds.contact_name,
        "maintainer_email": ds.contact_email,
        "author": org.title,
        "author_email": org.email,
        "version": None,
        "metadata_created": ckan_time(ds.metadata_created),
        "metadata_modified": ckan_time(ds.metadata_modified),
        "resources": [
            resource_dict(ds, d, i, base_url) for i, d in enumerate(ds.distributions)
        ],
        "num_resources": len(ds.distributions),
        "tags": [{"name": k, "display_name": k, "state": "active", "vocabulary_id": None}
                 for k in ds.keywords],
        "num_tags": len(ds.keywords),
        "groups": [group_dict(t) for t in ds.themes if t in vocab.themes],
        "extras": [{"key": k, "value": v} for k, v in extras.items() if v not in (None, "", "[]")],
    }  # fmt: skip


# --- the other direction: a CKAN package from a harvest source → dataset API fields ---


def _extras(pkg: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for extra in pkg.get("extras") or []:
        if isinstance(extra, dict) and "key" in extra:
            out[str(extra["key"])] = str(extra.get("value") or "")
    return out


def _first_json_item(value: str | None) -> str | None:
    if not value:
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        return value
    if isinstance(parsed, list):
        return str(parsed[0]) if parsed else None
    return str(parsed)


def fields_from_package(pkg: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Dataset fields and distribution fields in the API's vocabulary (validated afterwards by
    the same rules as the API). Values the lists do not know are dropped, not guessed."""
    vocab = vocabulary()
    extras = _extras(pkg)
    themes = [g.get("name", "") for g in pkg.get("groups") or [] if isinstance(g, dict)]
    try:
        themes += [str(t) for t in json.loads(extras.get("theme") or "[]")]
    except ValueError:
        pass
    contact_email = (
        pkg.get("maintainer_email") or extras.get("contact_email") or pkg.get("author_email")
    )
    contact_url = extras.get("contact_uri") or None
    fields: dict[str, Any] = {
        "title": pkg.get("title") or pkg.get("name"),
        "description": pkg.get("notes") or pkg.get("title") or pkg.get("name"),
        "keywords": [t["name"] for t in pkg.get("tags") or [] if isinstance(t, dict) and t.get("name")],
        "themes": sorted({t.code for t in (vocab.theme(x) for x in themes if x) if t}),
        "license": pkg.get("license_id") if vocab.license(pkg.get("license_id") or "") else None,
        "contact": {"name": pkg.get("maintainer") or pkg.get("author"),
                    "email": contact_email, "url": contact_url}
        if (contact_email or contact_url) else None,
        "landing_page": pkg.get("url") or None,
        "political_geocoding_level": vocab.geocoding_level(extras.get("politicalGeocodingLevelURI", "")),
        "political_geocoding_uri": _first_json_item(extras.get("politicalGeocodingURI")),
        "accrual_periodicity": vocab.frequency(extras.get("frequency", "")),
        "access_rights": vocab.access_right(extras.get("access_rights", "")),
        "spatial": extras.get("spatial_uri") or None,
        "temporal": {"start": extras.get("temporal_start") or None,
                     "end": extras.get("temporal_end") or None},
        "issued": extras.get("issued") or pkg.get("metadata_created"),
        "modified": extras.get("modified") or pkg.get("metadata_modified"),
    }  # fmt: skip
    distributions = []
    for res in pkg.get("resources") or []:
        if not isinstance(res, dict):
            continue
        file_type = vocab.file_type(res.get("format") or "") if res.get("format") else None
        url = res.get("url") or None
        distributions.append(
            {
                "title": res.get("name") or res.get("description") or "Ressource",
                "description": res.get("description") or "",
                "access_url": res.get("access_url") or url,
                "download_url": res.get("download_url") or url,
                "format": file_type.code if file_type else None,
                "media_type": res.get("mimetype") or None,
                "byte_size": res.get("size") if isinstance(res.get("size"), int) else None,
                "license": res.get("license") if vocab.license(res.get("license") or "") else None,
                "origin_id": str(res.get("id") or ""),
            }
        )
    return fields, distributions
