"""Keeps a dataset's facet rows and full-text entry in step with it, in the same transaction."""

from __future__ import annotations

from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_service.datasets.models import Dataset, DatasetFacet
from catalog_service.organizations.models import Organization
from catalog_service.search.backends import SearchEntry, search_backend
from catalog_service.search.text import IndexText, index_text
from catalog_service.vocab import vocabulary


def facet_values(ds: Dataset, org: Organization) -> set[tuple[str, str]]:
    values = {("organization", org.name), ("municipality", ds.municipality)}
    values |= {("theme", t) for t in ds.themes}
    values |= {("keyword", k[:300]) for k in ds.keywords}
    values |= {("format", d.format) for d in ds.distributions if d.format}
    if ds.license_id:
        values.add(("license", ds.license_id))
    return values


async def reindex(session: AsyncSession, ds: Dataset, org: Organization) -> None:
    await session.flush()
    await session.execute(delete(DatasetFacet).where(DatasetFacet.dataset_id == ds.id))
    rows = [{"dataset_id": ds.id, "facet": f, "value": v} for f, v in sorted(facet_values(ds, org))]
    if rows:
        await session.execute(insert(DatasetFacet), rows)
    await search_backend(session).index(session, ds.id, document(ds, org), search_entry(ds, org))


def search_entry(ds: Dataset, org: Organization) -> SearchEntry:
    facets = [f"{f}:{v}" for f, v in sorted(facet_values(ds, org))]
    return SearchEntry(facets, ds.status, ds.municipality, ds.metadata_modified)


def document(ds: Dataset, org: Organization) -> IndexText:
    """What full-text search sees of a dataset (theme labels in German and English)."""
    themes = vocabulary().themes
    extra = [org.title, ds.municipality]
    extra += [f"{themes[t].de} {themes[t].en}" for t in ds.themes if t in themes]
    extra += [f"{d.title} {d.format or ''}" for d in ds.distributions]
    return index_text(ds.title, ds.description, ds.keywords, extra)
