"""HTTP for distribution files: upload, download, preview, rows."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from catalog_service.datasets.schemas import DistributionOut
from catalog_service.datasets.views import distribution_out
from catalog_service.files import service
from catalog_service.files.rows import RowsQuery, RowsQueryError, parse_sort
from catalog_service.files.storage import FileStorage, get_storage
from servicekit.db import Database
from servicekit.identity import Principal, get_principal
from servicekit.problems import FieldError, ProblemError, problem_responses
from servicekit.runtime import get_db

router = APIRouter(prefix="/api/v1/distributions", tags=["catalog: files"])
UPLOAD_PATH = r"/api/v1/distributions/[^/]+/file"
DbDep = Annotated[Database, Depends(get_db)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
StorageDep = Annotated[FileStorage, Depends(get_storage)]


class Rows(BaseModel):
    resource_id: str
    fields: list[dict[str, str]] = Field(examples=[[{"name": "Art", "type": "string"}]])
    records: list[Annotated[dict[str, Any], Field(description="A row keyed by column name.")]] = (
        Field(
            description="One object per row, keyed by column name; the columns are the file's own "
            "(see `fields`), so they cannot be declared here.",
            examples=[[{"Art": "Linde", "Anzahl": 12}]],
        )
    )
    total: int
    limit: int
    offset: int


@router.put(
    "/{distribution_id}/file",
    operation_id="uploadDistributionFile",
    summary="Upload the file of a distribution",
    description="The request body is the file, streamed to the store with a size limit "
    "(413 beyond it) and a SHA-256 checksum. CSV, JSON and XLSX files get an inferred schema "
    "(columns, types) and become queryable; text files must be UTF-8 unless the Content-Type "
    "names another charset. A file that cannot be read is refused (422) and nothing is kept.",
    responses=problem_responses(401, 403, 404, 409, 413, 422),
    openapi_extra={"requestBody": {"content": {"application/octet-stream": {}}, "required": True}},
)
async def upload_file(
    distribution_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: PrincipalDep,
    storage: StorageDep,
    content_type: Annotated[str | None, Header()] = None,
    filename: Annotated[str | None, Query(max_length=300, examples=["baeume.csv"])] = None,
) -> DistributionOut:
    d = await service.upload(
        db, storage, principal, distribution_id, request.stream(),
        content_type=content_type, filename=filename,
        max_bytes=request.app.state.settings.max_upload_bytes,
    )  # fmt: skip
    return distribution_out(d)


@router.get(
    "/{distribution_id}/file",
    operation_id="downloadDistributionFile",
    summary="Download the file of a distribution",
    description="The stored file, with its media type.",
    responses={200: {"content": {"application/octet-stream": {}}}, **problem_responses(404)},
    response_class=FileResponse,
)
async def download_file(
    distribution_id: uuid.UUID, db: DbDep, principal: PrincipalDep, storage: StorageDep
) -> FileResponse:
    d = await service.stored_file(db, principal, distribution_id)
    return FileResponse(
        storage.path(d.file_key or ""),
        media_type=d.media_type or "application/octet-stream",
        headers={"Digest": f"sha-256={d.checksum}"} if d.checksum else None,
    )


def _rows_query(
    filters: str | None,
    q: str | None,
    fields: str | None,
    sort: str | None,
    limit: int,
    offset: int,
) -> tuple[dict[str, Any], list[str] | None, str | None]:
    parsed: dict[str, Any] = {}
    if filters:
        try:
            parsed = json.loads(filters)
        except ValueError:
            parsed = None  # type: ignore[assignment]
        if not isinstance(parsed, dict):
            raise ProblemError(
                400, 'filters is a JSON object, e.g. {"Art": "Linde"}.',
                errors=[FieldError(field="query.filters", message="not a JSON object")],
            )  # fmt: skip
    columns = [c.strip() for c in fields.split(",") if c.strip()] if fields else None
    return parsed, columns, sort


@router.get(
    "/{distribution_id}/rows",
    operation_id="queryDistributionRows",
    summary="Query the rows of a table",
    description="Like CKAN's datastore_search: `filters` (JSON object column → value or list), "
    "`q` (full text over all cells), `fields`, `sort` (`column desc`), `limit`, `offset`.",
    responses=problem_responses(400, 404, 409),
)
async def query_rows(
    distribution_id: uuid.UUID,
    db: DbDep,
    principal: PrincipalDep,
    storage: StorageDep,
    filters: Annotated[str | None, Query(max_length=2000)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    fields: Annotated[str | None, Query(max_length=2000)] = None,
    sort: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=0, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Rows:
    parsed, columns, sort_text = _rows_query(filters, q, fields, sort, limit, offset)
    d = await service.stored_file(db, principal, distribution_id)
    names = [f["name"] for f in (d.file_schema or {}).get("fields", [])]
    try:
        order = parse_sort(sort_text, names)
    except RowsQueryError as exc:
        raise ProblemError(400, str(exc)) from exc
    query = RowsQuery(filters=parsed, q=q, fields=columns, sort=order, limit=limit, offset=offset)
    return Rows(**await service.query_rows(db, storage, principal, distribution_id, query))


@router.get(
    "/{distribution_id}/preview",
    operation_id="previewDistribution",
    summary="Preview a table",
    description="The inferred schema and the first 20 rows.",
    responses=problem_responses(404, 409),
)
async def preview(
    distribution_id: uuid.UUID, db: DbDep, principal: PrincipalDep, storage: StorageDep
) -> Rows:
    return Rows(
        **await service.query_rows(db, storage, principal, distribution_id, RowsQuery(limit=20))
    )
