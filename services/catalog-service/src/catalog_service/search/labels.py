"""Display names of facet values."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_service.organizations.models import Organization
from catalog_service.vocab import vocabulary


async def facet_labels(
    session: AsyncSession, facets: dict[str, list[tuple[str, int]]]
) -> dict[str, dict[str, str]]:
    vocab = vocabulary()
    labels: dict[str, dict[str, str]] = {}
    org_names = [v for v, _ in facets.get("organization", [])]
    org_titles: dict[str, str] = {}
    if org_names:
        rows = await session.execute(
            select(Organization.name, Organization.title).where(Organization.name.in_(org_names))
        )
        org_titles = dict(rows.all())
    for facet, values in facets.items():
        labels[facet] = {}
        for value, _ in values:
            label = value
            if facet == "theme" and value in vocab.themes:
                label = vocab.themes[value].de
            elif facet == "license" and value in vocab.licenses:
                label = vocab.licenses[value].title
            elif facet == "format" and value in vocab.file_types:
                label = vocab.file_types[value].label
            elif facet == "organization":
                label = org_titles.get(value, value)
            labels[facet][value] = label
    return labels
