"""`search` on PostgreSQL: the match, the count, all facet value counts and the page's ids in
one statement over dataset_search, whose row keeps the facet values, status, municipality and
modification time. The dataset table is joined only to filter or sort by its other columns."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, false, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_service.datasets.models import Dataset
from catalog_service.search.backends import PostgresSearch, pg_search
from catalog_service.search.query import SearchQuery, SearchResult, top_facets

_DATASET_SORTS = {
    "created": Dataset.metadata_created,
    "title": func.lower(Dataset.title),
    "name": Dataset.name,
}
TOTAL = ""  # the key under which the facet aggregation also counts the matched datasets


def _keys(facet: str, values: list[str]) -> Any:
    return literal([f"{facet}:{v}" for v in values], pg_search.c.facets.type)


def _conditions(query: SearchQuery) -> tuple[list[Any], list[Any]]:
    """Conditions on the search row, and those needing the dataset row."""
    s = pg_search.c
    own: list[Any] = [query.visibility.clause(s.status, s.municipality)]
    for facet, values in query.filters.items():
        own.append(s.facets.overlap(_keys(facet, values)) if values else false())
    for facet, values in query.excludes.items():
        if values:
            own.append(~s.facets.overlap(_keys(facet, values)))
    if query.ids is not None:
        own.append(s.dataset_id.in_(query.ids))
    if query.statuses is not None:
        own.append(s.status.in_(query.statuses))
    if query.modified_from is not None:
        own.append(s.modified >= query.modified_from)
    if query.modified_to is not None:
        own.append(s.modified <= query.modified_to)
    joined: list[Any] = []
    if query.names is not None:
        joined.append(Dataset.name.in_(query.names))
    if query.created_from is not None:
        joined.append(Dataset.metadata_created >= query.created_from)
    if query.created_to is not None:
        joined.append(Dataset.metadata_created <= query.created_to)
    return own, joined


async def search_postgres(session: AsyncSession, query: SearchQuery) -> SearchResult:
    s = pg_search.c
    own, joined = _conditions(query)
    columns: list[Any] = [s.dataset_id, s.facets, s.modified]
    text = (query.text or "").strip()
    ranked = False
    if text:
        tsquery = PostgresSearch.tsquery(text)
        own.append(s.document.op("@@")(tsquery))
        if any(key == "relevance" for key, _ in query.sort):
            columns.append(PostgresSearch.rank(tsquery).label("rank"))
            ranked = True
    sorts = {key for key, _ in query.sort if key in _DATASET_SORTS}
    columns += [_DATASET_SORTS[key].label(key) for key in sorted(sorts)]
    hits_stmt = select(*columns).where(*own, *joined)
    if joined or sorts:
        hits_stmt = hits_stmt.select_from(pg_search.join(Dataset, Dataset.id == s.dataset_id))
    hits = hits_stmt.cte("hits").prefix_with("MATERIALIZED")

    if query.facet_fields:
        # unnest in the select list (ProjectSet) is cheaper than a lateral join per row
        values = (
            select(func.unnest(func.array_append(hits.c.facets, TOTAL)).label("value"))
            .select_from(hits)
            .subquery("v")
        )
        counted = (
            select(values.c.value, func.count().label("n"))
            .group_by(values.c.value)
            .subquery("counted")
        )
        head: Any = (
            select(func.json_object_agg(counted.c.value, counted.c.n, type_=JSON))
            .select_from(counted)
            .scalar_subquery()
        )
    else:
        head = select(func.count()).select_from(hits).scalar_subquery()

    order: list[Any] = []
    for key, descending in query.sort:
        if key == "relevance" and not ranked:
            continue
        col = hits.c.dataset_id if key == "id" else hits.c[{"relevance": "rank"}.get(key, key)]
        order.append((col, descending))
    if not any(key == "id" for key, _ in query.sort):
        order.append((hits.c.dataset_id, False))
    page = (
        select(hits.c.dataset_id, *(col.label(f"o{i}") for i, (col, _) in enumerate(order)))
        .order_by(*(col.desc() if desc else col.asc() for col, desc in order))
        .offset(query.offset)
        .limit(query.limit)
        .subquery("page")
    )
    page_order = [
        page.c[f"o{i}"].desc() if desc else page.c[f"o{i}"].asc()
        for i, (_, desc) in enumerate(order)
    ]
    page_ids = select(
        func.array_agg(aggregate_order_by(page.c.dataset_id, *page_order))
    ).scalar_subquery()

    row = (await session.execute(select(head.label("head"), page_ids.label("ids")))).one()
    counts: dict[str, int]
    if query.facet_fields:
        counts = row.head or {}
        total = counts.pop(TOTAL, 0)
    else:
        counts, total = {}, row.head or 0
    ids = [uuid.UUID(str(i)) for i in row.ids or []]
    datasets: list[Dataset] = []
    if ids:
        found = {d.id: d for d in await session.scalars(select(Dataset).where(Dataset.id.in_(ids)))}
        datasets = [found[i] for i in ids if i in found]
    counted_values = [(*key.split(":", 1), n) for key, n in counts.items()]
    return SearchResult(
        count=total,
        datasets=datasets,
        facets=top_facets(query, counted_values),
    )
