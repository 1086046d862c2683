"""Search results remembered until the catalogue changes, as Solr keeps its result and facet
caches until the next commit.

Every transaction that changes a searched table bumps one generation number (triggers from
migration 0004, so no write path can forget). A search reads that number first: a result
computed at the same generation is still exact. Only the count, the page's ids and the facet
counts are kept; the page's datasets are always read fresh. Each process keeps its own cache,
so replicas need no coordination: the number lives in the database they share."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cachetools import LRUCache
from fastapi import Request
from prometheus_client import Counter
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from catalog_service.search.query import SearchQuery

SEARCHES = Counter(
    "catalog_search_cache_lookups_total", "Searches answered from the cache or not", ["result"]
)
GENERATION = text("SELECT generation FROM dataset_search_generation WHERE id = 1")


@dataclass(frozen=True)
class CachedResult:
    count: int
    ids: tuple[uuid.UUID, ...]
    facets: dict[str, list[tuple[str, int]]]

    @property
    def weight(self) -> int:
        """Roughly proportional to the memory held: one unit per id and facet value."""
        return 1 + len(self.ids) + sum(len(values) for values in self.facets.values())


def query_key(query: SearchQuery) -> tuple[Any, ...]:
    """Everything that decides a search's result, in a hashable and order-independent form."""

    def values(mapping: dict[str, list[str]]) -> tuple[Any, ...]:
        return tuple(sorted((k, tuple(sorted(v))) for k, v in mapping.items()))

    def optional(items: list[Any] | None) -> tuple[Any, ...] | None:
        return None if items is None else tuple(sorted(map(str, items)))

    internal = query.visibility.internal
    return (
        (query.text or "").strip(),
        values(query.filters),
        values(query.excludes),
        optional(query.ids),
        optional(query.names),
        optional(query.statuses),
        query.modified_from,
        query.modified_to,
        query.created_from,
        query.created_to,
        None if internal is None else tuple(sorted(internal)),
        query.visibility.include_internal,
        tuple(query.sort),
        query.offset,
        query.limit,
        tuple(query.facet_fields),
        query.facet_limit,
        query.facet_mincount,
    )


class SearchCache:
    """At most `capacity` units (ids and facet values) of the current generation's results."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._results: LRUCache[tuple[Any, ...], CachedResult] = LRUCache(
            max(capacity, 1), getsizeof=lambda result: result.weight
        )
        self._generation = -1

    async def generation(self, session: AsyncSession) -> int:
        return int(await session.scalar(GENERATION) or 0)

    def get(self, generation: int, key: tuple[Any, ...]) -> CachedResult | None:
        hit = self._results.get(key) if generation == self._generation else None
        SEARCHES.labels("miss" if hit is None else "hit").inc()
        return hit

    def put(self, generation: int, key: tuple[Any, ...], result: CachedResult) -> None:
        if generation < self._generation or result.weight > self.capacity:
            return  # a slower request that started before the change: its result is older
        if generation > self._generation:
            self._results.clear()
            self._generation = generation
        self._results[key] = result


def get_search_cache(request: Request) -> SearchCache:
    """FastAPI dependency: the app's cache."""
    cache: SearchCache = request.app.state.search_cache
    return cache
