"""The one search interface and its PostgreSQL and SQLite implementations."""

from __future__ import annotations

import uuid
from typing import Protocol

from sqlalchemy import Float, Select, Uuid, column, func, literal_column, select, table, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import Subquery

from catalog_service.search.text import IndexText, fts5_query, fts5_rowid


class SearchBackend(Protocol):
    async def index(self, session: AsyncSession, dataset_id: uuid.UUID, doc: IndexText) -> None:
        """Write (or replace) the dataset's entry, inside the caller's transaction."""

    async def remove(self, session: AsyncSession, dataset_id: uuid.UUID) -> None: ...

    def matches(self, query: str) -> Subquery | None:
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
UNMANAGED_PREFIXES = ("dataset_search", "dataset_fts")

_pg_search = table("dataset_search", column("dataset_id", Uuid), column("document"))


class PostgresSearch:
    """German, English and simple (unstemmed) configurations in one tsvector; title weighs
    most, then keywords, then the description."""

    async def index(self, session: AsyncSession, dataset_id: uuid.UUID, doc: IndexText) -> None:
        await session.execute(
            text(
                "INSERT INTO dataset_search (dataset_id, document) VALUES (:id,"
                " setweight(to_tsvector('german', :title), 'A')"
                " || setweight(to_tsvector('english', :title), 'A')"
                " || setweight(to_tsvector('simple', :title), 'A')"
                " || setweight(to_tsvector('german', :keywords), 'B')"
                " || setweight(to_tsvector('simple', :keywords), 'B')"
                " || setweight(to_tsvector('german', :body), 'C')"
                " || setweight(to_tsvector('english', :body), 'D')"
                " || setweight(to_tsvector('simple', :body), 'D'))"
                " ON CONFLICT (dataset_id) DO UPDATE SET document = EXCLUDED.document"
            ),
            {"id": dataset_id, "title": doc.title, "keywords": doc.keywords, "body": doc.body},
        )

    async def remove(self, session: AsyncSession, dataset_id: uuid.UUID) -> None:
        await session.execute(
            text("DELETE FROM dataset_search WHERE dataset_id = :id"), {"id": dataset_id}
        )

    def matches(self, query: str) -> Subquery | None:
        if not query.strip():
            return None
        tsquery = (
            func.websearch_to_tsquery(literal_column("'german'"), query)
            .op("||")(func.websearch_to_tsquery(literal_column("'english'"), query))
            .op("||")(func.websearch_to_tsquery(literal_column("'simple'"), query))
        )
        stmt: Select[tuple[uuid.UUID, float]] = select(
            _pg_search.c.dataset_id.label("dataset_id"),
            func.ts_rank_cd(_pg_search.c.document, tsquery, 32).cast(Float).label("rank"),
        ).where(_pg_search.c.document.op("@@")(tsquery))
        return stmt.subquery("matches")


class SqliteSearch:
    """FTS5 with BM25 ranking; words become prefix terms after a crude suffix strip."""

    async def index(self, session: AsyncSession, dataset_id: uuid.UUID, doc: IndexText) -> None:
        rowid = fts5_rowid(dataset_id)
        await session.execute(text("DELETE FROM dataset_fts WHERE rowid = :r"), {"r": rowid})
        await session.execute(
            text(
                "INSERT INTO dataset_fts (rowid, dataset_id, title, keywords, body)"
                " VALUES (:r, :id, :title, :keywords, :body)"
            ),
            {
                "r": rowid,
                "id": dataset_id.hex,
                "title": doc.title,
                "keywords": doc.keywords,
                "body": doc.body,
            },
        )

    async def remove(self, session: AsyncSession, dataset_id: uuid.UUID) -> None:
        await session.execute(
            text("DELETE FROM dataset_fts WHERE rowid = :r"), {"r": fts5_rowid(dataset_id)}
        )

    def matches(self, query: str) -> Subquery | None:
        expression = fts5_query(query)
        if expression is None:
            return None
        stmt = (
            text(
                "SELECT dataset_id, -bm25(dataset_fts, 0.0, 10.0, 5.0, 1.0) AS rank"
                " FROM dataset_fts WHERE dataset_fts MATCH :q"
            )
            .bindparams(q=expression)
            .columns(column("dataset_id", Uuid), column("rank", Float))
        )
        return stmt.subquery("matches")


def backend_for(dialect: str) -> SearchBackend:
    return PostgresSearch() if dialect == "postgresql" else SqliteSearch()


def search_backend(session: AsyncSession) -> SearchBackend:
    return backend_for(session.get_bind().dialect.name)
