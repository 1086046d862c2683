"""HTTP for datasets and distributions (metadata; files are in `files`)."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Query, Response
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_service.datasets import service
from catalog_service.datasets.models import PUBLISHED, WITHDRAWN
from catalog_service.datasets.schemas import (
    DatasetIn,
    DatasetOut,
    DatasetPatch,
    DatasetSearchPage,
    DistributionIn,
    DistributionOut,
    DistributionPatch,
    FacetValue,
)
from catalog_service.datasets.views import dataset_out, distribution_out
from catalog_service.files.storage import FileStorage, get_storage
from catalog_service.quality import Quality
from catalog_service.search.cache import SearchCache, get_search_cache, query_key
from catalog_service.search.labels import facet_labels
from catalog_service.search.query import FACETS, SearchQuery, SearchResult, Visibility, search
from servicekit.concurrency import set_etag
from servicekit.db import Database
from servicekit.identity import Principal, get_principal
from servicekit.problems import FieldError, ProblemError, problem_responses
from servicekit.runtime import get_db

router = APIRouter(tags=["catalog: datasets"])
DbDep = Annotated[Database, Depends(get_db)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
IfMatch = Annotated[str | None, Header(description="ETag of the version you changed.")]

SORTS = {
    "relevance": [("relevance", True), ("modified", True)],
    "modified": [("modified", True)],
    "-modified": [("modified", False)],
    "title": [("title", False)],
    "-title": [("title", True)],
    "name": [("name", False)],
}


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith("o:"):
            raise ValueError(raw)
        offset = int(raw[2:])
        if not 0 <= offset <= 10_000_000:
            raise ValueError(raw)
        return offset
    except ValueError as exc:
        raise ProblemError(
            400,
            "The cursor is not valid; start again without one.",
            errors=[FieldError(field="query.cursor", message="invalid cursor")],
        ) from exc


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


async def _search_page(
    session: AsyncSession, result: SearchResult, offset: int, limit: int
) -> bytes:
    orgs = await service.organizations_by_id(
        session, {ds.organization_id for ds in result.datasets}
    )
    labels = await facet_labels(session, result.facets)
    page = DatasetSearchPage(
        count=result.count,
        items=[dataset_out(ds, orgs[ds.organization_id]) for ds in result.datasets],
        facets={
            facet: [FacetValue(value=v, label=labels[facet][v], count=n) for v, n in values]
            for facet, values in result.facets.items()
        },
        next_cursor=_cursor(offset + limit) if offset + limit < result.count else None,
    )
    return page.model_dump_json().encode()


@router.get(
    "/api/v1/datasets",
    response_model=DatasetSearchPage,
    operation_id="searchDatasets",
    summary="Search datasets",
    description="Full text (German and English) with relevance ranking, facet filters (repeat a "
    "parameter to accept any of several values), sort and cursor paging. Facet counts for theme, "
    "license, format, organization, keyword and municipality come with every page. Members of a "
    "municipality may add `include_internal=true` to see its drafts and withdrawn datasets.",
    responses=problem_responses(400, 422),
)
async def search_datasets(
    db: DbDep,
    principal: PrincipalDep,
    cache: Annotated[SearchCache, Depends(get_search_cache)],
    q: Annotated[str | None, Query(max_length=500, examples=["Parken"])] = None,
    theme: Annotated[list[str] | None, Query(max_length=20)] = None,
    license: Annotated[list[str] | None, Query(max_length=20)] = None,
    format: Annotated[list[str] | None, Query(max_length=20)] = None,
    organization: Annotated[list[str] | None, Query(max_length=20)] = None,
    keyword: Annotated[list[str] | None, Query(max_length=20)] = None,
    municipality: Annotated[list[str] | None, Query(max_length=20)] = None,
    status: Annotated[Literal["draft", "published", "withdrawn"] | None, Query()] = None,
    modified_since: Annotated[datetime | None, Query()] = None,
    include_internal: bool = False,
    sort: Annotated[
        Literal["relevance", "modified", "-modified", "title", "-title", "name"], Query()
    ] = "relevance",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    facet_limit: Annotated[int, Query(ge=0, le=200)] = 20,
) -> Response:
    filters = {
        name: values
        for name, values in (
            ("theme", [t.upper() for t in theme or []]),
            ("license", license or []),
            ("format", [f.upper() for f in format or []]),
            ("organization", organization or []),
            ("keyword", keyword or []),
            ("municipality", municipality or []),
        )
        if values
    }
    internal = None if principal.platform_admin else frozenset(principal.memberships)
    offset = _offset(cursor)
    query = SearchQuery(
        text=q,
        filters=filters,
        statuses=[status] if status else None,
        modified_from=modified_since,
        visibility=Visibility(internal=internal, include_internal=include_internal),
        sort=SORTS[sort],
        offset=offset,
        limit=limit,
        facet_fields=list(FACETS) if facet_limit else [],
        facet_limit=facet_limit,
    )
    async with db.sessions() as session:

        async def compute() -> bytes:
            return await _search_page(session, await search(session, query), offset, limit)

        answer = await cache.answer(db, ("datasets", query_key(query)), compute)
    return Response(answer, media_type="application/json")


@router.post(
    "/api/v1/datasets",
    status_code=201,
    operation_id="createDataset",
    summary="Create a dataset",
    description="A draft in the organisation's municipality, validated against the DCAT-AP.de "
    "lists (themes, licences, file types, frequencies). Needs the editor role.",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def create_dataset(
    body: DatasetIn, db: DbDep, principal: PrincipalDep, response: Response
) -> DatasetOut:
    ds, org = await service.create(db, principal, body)
    set_etag(response, ds.id, ds.version)
    response.headers["Location"] = f"/api/v1/datasets/{ds.id}"
    return dataset_out(ds, org)


@router.get(
    "/api/v1/datasets/{id_or_name}",
    operation_id="getDataset",
    summary="Get a dataset",
    description="By id or name, with its distributions and the use cases that need it. "
    "Drafts and withdrawn datasets only for members of the municipality.",
    responses=problem_responses(404),
)
async def get_dataset(
    id_or_name: str, db: DbDep, principal: PrincipalDep, response: Response
) -> DatasetOut:
    async with db.sessions() as session:
        ds = await service.find(session, principal, id_or_name)
        org = await service.organization_of(session, ds)
        demand = await service.demand_for(session, ds.id)
    set_etag(response, ds.id, ds.version)
    return dataset_out(ds, org, demand)


@router.patch(
    "/api/v1/datasets/{id_or_name}",
    operation_id="updateDataset",
    summary="Update a dataset",
    description="Change the given fields (send `If-Match` with the ETag to avoid lost "
    "updates). A change of a published dataset is announced as `catalog.dataset.updated`. "
    "Harvested datasets are read-only (409).",
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
async def update_dataset(
    id_or_name: str,
    body: DatasetPatch,
    db: DbDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> DatasetOut:
    ds, org = await service.update(db, principal, id_or_name, body, if_match)
    set_etag(response, ds.id, ds.version)
    return dataset_out(ds, org)


def _status_route(target: str, operation_id: str, summary: str, description: str) -> None:
    @router.post(
        f"/api/v1/datasets/{{id_or_name}}/{'publish' if target == PUBLISHED else 'withdraw'}",
        operation_id=operation_id,
        summary=summary,
        description=description,
        responses=problem_responses(401, 403, 404, 409, 412),
    )
    async def change_status(
        id_or_name: str,
        db: DbDep,
        principal: PrincipalDep,
        response: Response,
        if_match: IfMatch = None,
    ) -> DatasetOut:
        ds, org = await service.set_status(db, principal, id_or_name, target, if_match)
        set_etag(response, ds.id, ds.version)
        return dataset_out(ds, org)


_status_route(
    PUBLISHED,
    "publishDataset",
    "Publish a dataset",
    "Draft or withdrawn → published: it appears in search, CKAN and DCAT-AP.de output, and "
    "`catalog.dataset.published` is sent.",
)
_status_route(
    WITHDRAWN,
    "withdrawDataset",
    "Withdraw a dataset",
    "Published → withdrawn: it leaves the public catalogue; `catalog.dataset.withdrawn` is sent.",
)


@router.delete(
    "/api/v1/datasets/{id_or_name}",
    status_code=204,
    operation_id="deleteDataset",
    summary="Delete a draft",
    description="Only drafts can be deleted; published datasets are withdrawn instead.",
    responses=problem_responses(401, 403, 404, 409, 412),
)
async def delete_dataset(
    id_or_name: str, db: DbDep, principal: PrincipalDep, if_match: IfMatch = None
) -> Response:
    await service.delete(db, principal, id_or_name, if_match)
    return Response(status_code=204)


@router.get(
    "/api/v1/datasets/{id_or_name}/quality",
    operation_id="getDatasetQuality",
    summary="Metadata quality of a dataset",
    description="Points per data.europa.eu MQA dimension (findability, accessibility, "
    "interoperability, reusability, contextuality) with a hint for every missing indicator.",
    responses=problem_responses(404),
)
async def get_dataset_quality(id_or_name: str, db: DbDep, principal: PrincipalDep) -> Quality:
    return await service.quality(db, principal, id_or_name)


@router.post(
    "/api/v1/datasets/{id_or_name}/distributions",
    status_code=201,
    operation_id="addDistribution",
    summary="Add a distribution",
    description="Metadata of a file or service; upload the file itself with "
    "`PUT /api/v1/distributions/{id}/file`. Sends `catalog.distribution.added`.",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def add_distribution(
    id_or_name: str, body: DistributionIn, db: DbDep, principal: PrincipalDep
) -> DistributionOut:
    _ds, d = await service.add_distribution(db, principal, id_or_name, body)
    return distribution_out(d)


@router.get(
    "/api/v1/distributions/{distribution_id}",
    operation_id="getDistribution",
    summary="Get a distribution",
    description="Its metadata, including the inferred schema of an uploaded table.",
    responses=problem_responses(404),
)
async def get_distribution(
    distribution_id: uuid.UUID, db: DbDep, principal: PrincipalDep
) -> DistributionOut:
    async with db.sessions() as session:
        _ds, d = await service.find_distribution(session, principal, distribution_id)
    return distribution_out(d)


@router.patch(
    "/api/v1/distributions/{distribution_id}",
    operation_id="updateDistribution",
    summary="Update a distribution",
    description="Change the given fields.",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def update_distribution(
    distribution_id: uuid.UUID, body: DistributionPatch, db: DbDep, principal: PrincipalDep
) -> DistributionOut:
    return distribution_out(await service.update_distribution(db, principal, distribution_id, body))


@router.delete(
    "/api/v1/distributions/{distribution_id}",
    status_code=204,
    operation_id="deleteDistribution",
    summary="Delete a distribution",
    description="Removes the distribution and its stored file.",
    responses=problem_responses(401, 403, 404, 409),
)
async def delete_distribution(
    distribution_id: uuid.UUID,
    db: DbDep,
    principal: PrincipalDep,
    storage: Annotated[FileStorage, Depends(get_storage)],
) -> Response:
    key = await service.delete_distribution(db, principal, distribution_id)
    if key:
        await storage.delete(key)
    return Response(status_code=204)
