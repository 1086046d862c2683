"""The one search interface and its PostgreSQL and SQLite implementations."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import (
    Float,
    Select,
    String,
    Text,
    Uuid,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import CTE, Subquery

from catalog_service.search.text import IndexText, fts5_query, fts5_rowid
from servicekit.db import UTCDateTime


@dataclass(frozen=True)
class SearchEntry:
    """What a backend may keep beside the text to filter, count and sort without the dataset
    row: facet values as "facet:value" (facet names have no colon), status, owner, modified."""

    facets: list[str]
    status: str
    municipality: str
    modified: datetime


class SearchBackend(Protocol):
    INDEX_SQL: str

    @staticmethod
    def params(dataset_id: uuid.UUID, doc: IndexText, entry: SearchEntry) -> dict[str, Any]:
        """Bind parameters of INDEX_SQL (for bulk loads with executemany)."""

    async def index(
        self, session: AsyncSession, dataset_id: uuid.UUID, doc: IndexText, entry: SearchEntry
    ) -> None:
        """Write (or replace) the dataset's entry, inside the caller's transaction."""

    async def index_many(self, session: AsyncSession, params: list[dict[str, Any]]) -> None:
        """Entries of new datasets (from `params`), with one executemany."""

    async def remove(self, session: AsyncSession, dataset_id: uuid.UUID) -> None: ...

    def matches(self, query: str) -> Subquery | CTE | None:
        """(dataset_id, rank) of the datasets matching `query`, higher rank = better;
        None when the query has no searchable words."""


POSTGRES_DDL = [
    "CREATE TABLE dataset_search ("
    " dataset_id UUID PRIMARY KEY REFERENCES datasets(id) ON DELETE CASCADE,"
    " document TSVECTOR NOT NULL)",
    "CREATE INDEX ix_dataset_search_document ON dataset_search USING GIN (document)",
]
SQLITE_DDL = [
    "CREATE VIRTUAL TABLE dataset_fts USING fts5("
    "dataset_id UNINDEXED, title, keywords, body,"
    " tokenize = 'unicode61 remove_diacritics 2')",
]
# Migration 0003 adds facets, status, municipality and modified to dataset_search.
UNMANAGED_PREFIXES = ("dataset_search", "dataset_fts")

pg_search = table(
    "dataset_search",
    column("dataset_id", Uuid),
    column("document"),
    column("facets", ARRAY(Text)),
    column("status", String),
    column("municipality", String),
    column("modified", UTCDateTime),
)


class PostgresSearch:
    """German, English and simple (unstemmed) configurations in one tsvector; title weighs
    most, then keywords, then the description."""

    async def index(
        self, session: AsyncSession, dataset_id: uuid.UUID, doc: IndexText, entry: SearchEntry
    ) -> None:
        await session.execute(text(self.INDEX_SQL), self.params(dataset_id, doc, entry))

    async def index_many(self, session: AsyncSession, params: list[dict[str, Any]]) -> None:
        if params:
            await session.execute(text(self.INDEX_SQL), params)

    @staticmethod
    def params(dataset_id: uuid.UUID, doc: IndexText, entry: SearchEntry) -> dict[str, Any]:
        return {
            "id": dataset_id, "title": doc.title, "keywords": doc.keywords, "body": doc.body,
            "facets": entry.facets, "status": entry.status, "municipality": entry.municipality,
            "modified": entry.modified,
        }  # fmt: skip

    INDEX_SQL = (
        "INSERT INTO dataset_search"
        " (dataset_id, facets, status, municipality, modified, document)"
        " VALUES (:id, :facets, :status, :municipality, :modified,"
        " setweight(to_tsvector('german', :title), 'A')"
        " || setweight(to_tsvector('english', :title), 'A')"
        " || setweight(to_tsvector('simple', :title), 'A')"
        " || setweight(to_tsvector('german', :keywords), 'B')"
        " || setweight(to_tsvector('simple', :keywords), 'B')"
        " || setweight(to_tsvector('german', :body), 'C')"
        " || setweight(to_tsvector('english', :body), 'D')"
        " || setweight(to_tsvector('simple', :body), 'D'))"
        " ON CONFLICT (dataset_id) DO UPDATE SET document = EXCLUDED.document,"
        " facets = EXCLUDED.facets, status = EXCLUDED.status,"
        " municipality = EXCLUDED.municipality, modified = EXCLUDED.modified"
    )

    async def remove(self, session: AsyncSession, dataset_id: uuid.UUID) -> None:
        await session.execute(
            text("DELETE FROM dataset_search WHERE dataset_id = :id"), {"id": dataset_id}
        )

    @staticmethod
    def tsquery(query: str) -> Any:
        return (
            func.websearch_to_tsquery(literal_column("'german'"), query)
            .op("||")(func.websearch_to_tsquery(literal_column("'english'"), query))
            .op("||")(func.websearch_to_tsquery(literal_column("'simple'"), query))
        )

    @staticmethod
    def rank(tsquery: Any) -> Any:
        return func.ts_rank_cd(pg_search.c.document, tsquery, 32).cast(Float)

    def matches(self, query: str) -> Subquery | None:
        if not query.strip():
            return None
        tsquery = self.tsquery(query)
        stmt: Select[tuple[uuid.UUID, float]] = select(
            pg_search.c.dataset_id.label("dataset_id"),
            self.rank(tsquery).label("rank"),
        ).where(pg_search.c.document.op("@@")(tsquery))
        return stmt.subquery("matches")


class SqliteSearch:
    """FTS5 with BM25 ranking; words become prefix terms after a crude suffix strip."""

    async def index(
        self, session: AsyncSession, dataset_id: uuid.UUID, doc: IndexText, entry: SearchEntry
    ) -> None:
        params = self.params(dataset_id, doc, entry)
        await session.execute(text("DELETE FROM dataset_fts WHERE rowid = :r"), params)
        await session.execute(text(self.INDEX_SQL), params)

    async def index_many(self, session: AsyncSession, params: list[dict[str, Any]]) -> None:
        if params:
            await session.execute(text(self.INDEX_SQL), params)

    INDEX_SQL = (
        "INSERT INTO dataset_fts (rowid, dataset_id, title, keywords, body)"
        " VALUES (:r, :id, :title, :keywords, :body)"
    )

    @staticmethod
    def params(dataset_id: uuid.UUID, doc: IndexText, entry: SearchEntry) -> dict[str, Any]:
        return {
            "r": fts5_rowid(dataset_id),
            "id": dataset_id.hex,
            "title": doc.title,
            "keywords": doc.keywords,
            "body": doc.body,
        }

    async def remove(self, session: AsyncSession, dataset_id: uuid.UUID) -> None:
        await session.execute(
            text("DELETE FROM dataset_fts WHERE rowid = :r"), {"r": fts5_rowid(dataset_id)}
        )

    def matches(self, query: str) -> Subquery | CTE | None:
        expression = fts5_query(query)
        if expression is None:
            return None
        # MATERIALIZED: otherwise SQLite probes the FTS table once per joined dataset row.
        stmt = (
            text(
                "SELECT dataset_id, -bm25(dataset_fts, 0.0, 10.0, 5.0, 1.0) AS rank"
                " FROM dataset_fts WHERE dataset_fts MATCH :q"
            )
            .bindparams(q=expression)
            .columns(column("dataset_id", Uuid), column("rank", Float))
        )
        return stmt.cte("matches").prefix_with("MATERIALIZED")


def backend_for(dialect: str) -> SearchBackend:
    return PostgresSearch() if dialect == "postgresql" else SqliteSearch()


def search_backend(session: AsyncSession) -> SearchBackend:
    return backend_for(session.get_bind().dialect.name)
