"""Search answers remembered until the catalogue changes, as CKAN answers package_search from
the package dicts its index stores and Solr keeps its caches until the next commit.

Every transaction that changes what a search answer shows (datasets, their distributions,
organisations, the search index) bumps one generation number: triggers from migration 0004,
so no write path can forget. A search reads that number first; an answer serialised at the
same generation is still exact. Each process keeps its own cache, so replicas need no
coordination: the number lives in the database they share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from cachetools import LRUCache
from fastapi import Request
from prometheus_client import Counter
from sqlalchemy import text

from servicekit.db import Database

if TYPE_CHECKING:
    from catalog_service.search.query import SearchQuery

SEARCHES = Counter(
    "catalog_search_cache_lookups_total", "Searches answered from the cache or not", ["result"]
)
GENERATION = text("SELECT generation FROM dataset_search_generation WHERE id = 1")


def query_key(query: SearchQuery) -> tuple[Any, ...]:
    """Everything that decides a search's result, in a hashable and order-independent form."""

    def values(mapping: dict[str, list[str]]) -> tuple[Any, ...]:
        return tuple(sorted((k, tuple(sorted(v))) for k, v in mapping.items()))

    def optional(items: list[Any] | None) -> tuple[Any, ...] | None:
        return None if items is None else tuple(sorted(map(str, items)))

    visibility = query.visibility
    # without include_internal everyone sees the published datasets: one key for all callers
    internal = visibility.internal if visibility.include_internal else frozenset()
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
        visibility.include_internal,
        tuple(query.sort),
        query.offset,
        query.limit,
        tuple(query.facet_fields),
        query.facet_limit,
        query.facet_mincount,
    )


class SearchCache:
    """Serialised answers of the current generation, at most `capacity_bytes` in all."""

    def __init__(self, capacity_bytes: int) -> None:
        self.capacity = capacity_bytes
        self._answers: LRUCache[tuple[Any, ...], bytes] = LRUCache(max(capacity_bytes, 1), len)
        self._generation = -1

    async def answer(
        self, db: Database, key: tuple[Any, ...], compute: Callable[[], Awaitable[bytes]]
    ) -> bytes:
        """The answer for `key`: remembered, or computed and remembered. The number is read
        first and outside any transaction (one round trip, no BEGIN/ROLLBACK), so an answer
        is never older than the number it is kept under."""
        if self.capacity <= 0:
            return await compute()
        row = await db.first_row(GENERATION)
        generation = int(row[0]) if row else 0
        if generation == self._generation and (hit := self._answers.get(key)) is not None:
            SEARCHES.labels("hit").inc()
            return hit
        SEARCHES.labels("miss").inc()
        answer = await compute()
        if generation < self._generation or len(answer) > self.capacity:
            return answer  # computed for a request that started before the last change
        if generation > self._generation:
            self._answers.clear()
            self._generation = generation
        self._answers[key] = answer
        return answer


def get_search_cache(request: Request) -> SearchCache:
    """FastAPI dependency: the app's cache."""
    cache: SearchCache = request.app.state.search_cache
    return cache
