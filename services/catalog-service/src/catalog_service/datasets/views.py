"""Dataset rows → API representations."""

from __future__ import annotations

from catalog_service.datasets.models import Dataset, Distribution
from catalog_service.datasets.schemas import (
    Contact,
    DatasetOut,
    Demand,
    DistributionOut,
    LicenseOut,
    OrganizationRef,
    Origin,
    Temporal,
    ThemeOut,
)
from catalog_service.organizations.models import Organization
from catalog_service.vocab import vocabulary


def license_out(license_id: str | None) -> LicenseOut | None:
    found = vocabulary().license(license_id) if license_id else None
    return LicenseOut(**found.__dict__) if found else None


def distribution_out(d: Distribution) -> DistributionOut:
    file_type = vocabulary().file_types.get(d.format or "")
    return DistributionOut(
        id=d.id,
        dataset_id=d.dataset_id,
        title=d.title,
        description=d.description,
        access_url=d.access_url,
        download_url=d.download_url,
        format=d.format,
        format_uri=file_type.uri if file_type else None,
        media_type=d.media_type,
        byte_size=d.byte_size,
        checksum=d.checksum,
        license=license_out(d.license_id),
        has_file=d.file_key is not None,
        file_schema=d.file_schema,
        created_at=d.created_at,
        updated_at=d.updated_at,
    )


def dataset_out(ds: Dataset, org: Organization, demand: list[Demand] | None = None) -> DatasetOut:
    themes = vocabulary().themes
    return DatasetOut(
        id=ds.id,
        name=ds.name,
        municipality=ds.municipality,
        organization=OrganizationRef(id=org.id, name=org.name, title=org.title),
        status=ds.status,
        title=ds.title,
        description=ds.description,
        keywords=ds.keywords,
        themes=[
            ThemeOut(code=t, uri=themes[t].uri, label=themes[t].de)
            for t in ds.themes
            if t in themes
        ],
        license=license_out(ds.license_id),
        contact=Contact(name=ds.contact_name, email=ds.contact_email, url=ds.contact_url),
        temporal=Temporal(start=ds.temporal_start, end=ds.temporal_end),
        spatial=ds.spatial_uri,
        political_geocoding_level=ds.political_geocoding_level,
        political_geocoding_uri=ds.political_geocoding_uri,
        accrual_periodicity=ds.accrual_periodicity,
        access_rights=ds.access_rights,
        landing_page=ds.landing_page,
        issued=ds.issued,
        modified=ds.modified,
        metadata_created=ds.metadata_created,
        metadata_modified=ds.metadata_modified,
        origin=Origin(harvest_source_id=ds.harvest_source_id, id=ds.origin_id, url=ds.origin_url)
        if ds.harvest_source_id
        else None,
        version=ds.version,
        distributions=[distribution_out(d) for d in ds.distributions],
        demand=demand or [],
    )
