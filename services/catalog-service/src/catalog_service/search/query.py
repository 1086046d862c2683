"""One search over datasets for the REST API, the CKAN API and the catalogue export:
full text, facet filters, visibility, sort, offset paging and facet counts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_service.datasets.models import PUBLISHED, Dataset, DatasetFacet
from catalog_service.search.backends import search_backend

FACETS = ("theme", "license", "format", "organization", "keyword", "municipality")
SORT_KEYS = ("relevance", "modified", "created", "title", "name", "id")


@dataclass(frozen=True)
class Visibility:
    """Published datasets for everyone; drafts and withdrawn ones of `internal` municipalities
    (None = of all municipalities, for platform admins) when `include_internal` is set."""

    internal: frozenset[str] | None = frozenset()
    include_internal: bool = False

    def clause(self, status: Any = Dataset.status, municipality: Any = Dataset.municipality) -> Any:
        public = status == PUBLISHED
        if not self.include_internal:
            return public
        if self.internal is None:
            return literal(True)
        if not self.internal:
            return public
        return or_(public, municipality.in_(sorted(self.internal)))


@dataclass
class SearchQuery:
    text: str | None = None
    filters: dict[str, list[str]] = field(default_factory=dict)
    excludes: dict[str, list[str]] = field(default_factory=dict)
    ids: list[uuid.UUID] | None = None
    names: list[str] | None = None
    modified_from: datetime | None = None
    modified_to: datetime | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    statuses: list[str] | None = None
    visibility: Visibility = field(default_factory=Visibility)
    sort: list[tuple[str, bool]] = field(default_factory=lambda: [("relevance", True)])
    offset: int = 0
    limit: int = 20
    facet_fields: list[str] = field(default_factory=list)
    facet_limit: int = 50
    facet_mincount: int = 1


@dataclass
class SearchResult:
    count: int
    datasets: list[Dataset]
    facets: dict[str, list[tuple[str, int]]]


def _facet_exists(facet: str, values: list[str]) -> ColumnElement[bool]:
    return exists().where(
        DatasetFacet.dataset_id == Dataset.id,
        DatasetFacet.facet == facet,
        DatasetFacet.value.in_(values),
    )


def _conditions(query: SearchQuery) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [query.visibility.clause()]
    for facet, values in query.filters.items():
        conds.append(_facet_exists(facet, values) if values else false())
    for facet, values in query.excludes.items():
        if values:
            conds.append(~_facet_exists(facet, values))
    if query.ids is not None:
        conds.append(Dataset.id.in_(query.ids))
    if query.names is not None:
        conds.append(Dataset.name.in_(query.names))
    if query.statuses is not None:
        conds.append(Dataset.status.in_(query.statuses))
    if query.modified_from is not None:
        conds.append(Dataset.metadata_modified >= query.modified_from)
    if query.modified_to is not None:
        conds.append(Dataset.metadata_modified <= query.modified_to)
    if query.created_from is not None:
        conds.append(Dataset.metadata_created >= query.created_from)
    if query.created_to is not None:
        conds.append(Dataset.metadata_created <= query.created_to)
    return conds


def _order(query: SearchQuery, rank: Any) -> list[Any]:
    columns: dict[str, Any] = {
        "modified": Dataset.metadata_modified,
        "created": Dataset.metadata_created,
        "title": func.lower(Dataset.title),
        "name": Dataset.name,
        "id": Dataset.id,
    }
    order: list[Any] = []
    for key, descending in query.sort:
        if key == "relevance":
            if rank is None:
                continue
            col = rank
        else:
            col = columns[key]
        order.append(col.desc() if descending else col.asc())
    if not any(key == "id" for key, _ in query.sort):
        order.append(Dataset.id.asc())
    return order


def top_facets(
    query: SearchQuery, counted: list[tuple[str, str, int]]
) -> dict[str, list[tuple[str, int]]]:
    """The `facet_limit` most frequent values of each asked-for facet (ties by value)."""
    facets: dict[str, list[tuple[str, int]]] = {f: [] for f in query.facet_fields}
    for facet, value, n in counted:
        if facet in facets and n >= query.facet_mincount:
            facets[facet].append((value, n))
    for values in facets.values():
        values.sort(key=lambda item: (-item[1], item[0]))
        del values[query.facet_limit :]
    return facets


async def search(session: AsyncSession, query: SearchQuery) -> SearchResult:
    if session.get_bind().dialect.name == "postgresql":
        from catalog_service.search.postgres import search_postgres

        return await search_postgres(session, query)
    conds = _conditions(query)
    matches = search_backend(session).matches(query.text) if query.text else None
    ids_stmt: Select[Any] = select(Dataset.id).where(and_(*conds))
    page_stmt: Select[Any] = select(Dataset).where(and_(*conds))
    rank = None
    if matches is not None:
        ids_stmt = ids_stmt.join(matches, matches.c.dataset_id == Dataset.id)
        page_stmt = page_stmt.join(matches, matches.c.dataset_id == Dataset.id)
        rank = matches.c.rank
    count = await session.scalar(select(func.count()).select_from(ids_stmt.subquery())) or 0
    datasets: list[Dataset] = []
    if query.limit > 0 and count > query.offset:
        page_stmt = page_stmt.order_by(*_order(query, rank)).offset(query.offset)
        datasets = list((await session.scalars(page_stmt.limit(query.limit))).all())
    counted: list[tuple[str, str, int]] = []
    if query.facet_fields:
        # one grouped query for all facets (the match runs once), top values picked here
        n = func.count().label("n")
        rows = await session.execute(
            select(DatasetFacet.facet, DatasetFacet.value, n)
            .where(
                DatasetFacet.facet.in_(query.facet_fields), DatasetFacet.dataset_id.in_(ids_stmt)
            )
            .group_by(DatasetFacet.facet, DatasetFacet.value)
            .having(func.count() >= query.facet_mincount)
        )
        counted = [tuple(row) for row in rows.all()]  # type: ignore[misc]
    return SearchResult(count=count, datasets=datasets, facets=top_facets(query, counted))
