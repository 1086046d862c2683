"""Files of distributions: streamed upload with a size limit and checksum, schema inference,
download and row queries."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from catalog_service.datasets import service as datasets
from catalog_service.datasets.models import Distribution
from catalog_service.files.inspect import TABULAR, InspectError, infer_schema, read_rows
from catalog_service.files.rows import RowsQuery, RowsQueryError, run
from catalog_service.files.storage import FileStorage
from catalog_service.vocab import vocabulary
from servicekit.db import Database, utcnow
from servicekit.identity import Principal
from servicekit.problems import FieldError, ProblemError, Unprocessable


def _content_type(value: str | None) -> tuple[str | None, str]:
    """(media type, charset) of a Content-Type header; charset defaults to UTF-8."""
    if not value:
        return None, "utf-8"
    media_type, *params = [p.strip() for p in value.split(";")]
    charset = "utf-8"
    for param in params:
        key, _, val = param.partition("=")
        if key.lower() == "charset" and val:
            charset = val.strip('"').lower()
    generic = media_type.lower() in ("application/octet-stream", "")
    return (None if generic else media_type.lower()), charset


async def upload(
    db: Database,
    storage: FileStorage,
    principal: Principal,
    distribution_id: uuid.UUID,
    chunks: AsyncIterator[bytes],
    *,
    content_type: str | None,
    filename: str | None,
    max_bytes: int,
) -> Distribution:
    async with db.sessions() as session:  # check first: a refused caller uploads nothing
        _ds, d = await datasets.editable_distribution(session, principal, distribution_id)
        declared_format = d.format
    media_type, charset = _content_type(content_type)
    file_type = None
    for hint in (declared_format, Path(filename or "").suffix, media_type):
        if hint:
            file_type = vocabulary().file_type(hint)
            if file_type:
                break
    stored = await storage.save(chunks, max_bytes)
    try:
        schema = None
        if file_type and file_type.code in TABULAR:
            try:
                schema = await asyncio.to_thread(
                    infer_schema, storage.path(stored.key), file_type.code, charset
                )
            except InspectError as exc:
                raise Unprocessable(
                    f"The {file_type.code} file cannot be read: {exc}",
                    [FieldError(field="body", message=str(exc))],
                ) from exc
        async with db.transaction() as session:
            ds, d = await datasets.editable_distribution(session, principal, distribution_id)
            old_key = d.file_key
            d.file_key = stored.key
            d.byte_size = stored.byte_size
            d.checksum = stored.sha256
            d.file_schema = schema
            d.format = file_type.code if file_type else d.format
            d.media_type = media_type or (
                file_type.media_types[0].split(";")[0]
                if file_type and file_type.media_types
                else d.media_type
            )
            d.download_url = None  # the catalogue serves the file now
            d.updated_at = utcnow()
            await datasets.after_change(
                session, ds, await datasets.organization_of(session, ds), ds.status
            )
    except BaseException:
        await storage.delete(stored.key)
        raise
    if old_key:
        await storage.delete(old_key)
    return d


async def stored_file(
    db: Database, principal: Principal, distribution_id: uuid.UUID
) -> Distribution:
    async with db.sessions() as session:
        _ds, d = await datasets.find_distribution(session, principal, distribution_id)
    if not d.file_key:
        raise ProblemError(404, "This distribution has no file stored in the catalogue.")
    return d


async def query_rows(
    db: Database,
    storage: FileStorage,
    principal: Principal,
    distribution_id: uuid.UUID,
    query: RowsQuery,
) -> dict[str, Any]:
    d = await stored_file(db, principal, distribution_id)
    if not d.file_schema:
        raise ProblemError(409, "The file is not a table (CSV, JSON or XLSX); it has no rows.")
    schema = d.file_schema
    columns = [f["name"] for f in schema["fields"]]
    path = storage.path(d.file_key or "")

    def work() -> tuple[list[dict[str, Any]], int]:
        return run(read_rows(path, schema), columns, query)

    try:
        records, total = await asyncio.to_thread(work)
    except RowsQueryError as exc:
        raise ProblemError(400, str(exc)) from exc
    fields = [f for f in schema["fields"] if not query.fields or f["name"] in query.fields]
    return {
        "resource_id": str(d.id),
        "fields": fields,
        "records": records,
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
    }
