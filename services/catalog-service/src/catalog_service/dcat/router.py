"""DCAT-AP.de endpoints following ckanext-dcat: `/catalog.{ttl,rdf,jsonld}` (Hydra paging,
`modified_since`), `/dataset/{id-or-name}.{ttl,rdf,jsonld}` and content negotiation."""

from __future__ import annotations

import gc
import math
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy import and_, func, select

from catalog_service.datasets import service as datasets
from catalog_service.datasets.models import PUBLISHED, Dataset
from catalog_service.dcat.rdf import (
    FORMATS,
    MEDIA_TYPES,
    catalog_graph,
    dataset_graph,
)
from catalog_service.settings import Settings
from servicekit.db import Database
from servicekit.identity import Principal, get_principal
from servicekit.problems import FieldError, NotFound, ProblemError, problem_responses
from servicekit.runtime import get_db

router = APIRouter(tags=["catalog: DCAT-AP.de"])
PER_PAGE = 100
STREAM_BATCH = 200
Profile = Annotated[
    Literal["dcat_ap_de_2", "dcat_ap_de_3"],
    Query(description="dcat_ap_de_2 (GovData's delivery profile) or dcat_ap_de_3."),
]
RDF_RESPONSES = {
    200: {"content": {t: {} for t in MEDIA_TYPES.values()}, "description": "DCAT-AP.de RDF"},
    **problem_responses(400, 404, 422),
}


def _negotiate(request: Request) -> str:
    accept = request.headers.get("accept", "")
    for ext, media_type in MEDIA_TYPES.items():
        if media_type in accept:
            return ext
    if "application/json" in accept:
        return "jsonld"
    if "application/xml" in accept or "text/xml" in accept:
        return "rdf"
    return "ttl"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _page_number(page: str) -> int | None:
    if page == "all":
        return None
    if page.isdigit() and int(page) >= 1:
        return int(page)
    raise ProblemError(
        400,
        "page is a number from 1, or 'all' (Turtle only).",
        errors=[FieldError(field="query.page", message="invalid page")],
    )


async def _catalog(
    request: Request,
    db: Database,
    ext: str,
    page: str,
    modified_since: datetime | None,
    profile: str,
) -> Response:
    settings = _settings(request)
    base = settings.public_base_url
    conds = [Dataset.status == PUBLISHED]
    if modified_since is not None:
        if modified_since.tzinfo is None:
            raise ProblemError(400, "modified_since needs a timezone, e.g. 2024-01-01T00:00:00Z.")
        conds.append(Dataset.metadata_modified >= modified_since)
    number = _page_number(page)
    if number is None:
        if ext != "ttl":
            raise ProblemError(400, "page=all streams Turtle only; page through other formats.")
        return StreamingResponse(
            _stream_turtle(db, base, settings.site_title, conds, profile),
            media_type=MEDIA_TYPES["ttl"],
        )
    async with db.sessions() as session:
        total = await session.scalar(select(func.count()).where(and_(*conds))) or 0
        stmt = (
            select(Dataset)
            .where(and_(*conds))
            .order_by(Dataset.metadata_modified.desc(), Dataset.id)
            .offset((number - 1) * PER_PAGE)
            .limit(PER_PAGE)
        )
        rows = list(await session.scalars(stmt))
        orgs = await datasets.organizations_by_id(session, {d.organization_id for d in rows})
    last = max(1, math.ceil(total / PER_PAGE))

    def link(n: int) -> str:
        params = {
            "page": n,
            **({"modified_since": modified_since.isoformat()} if modified_since else {}),
        }
        return f"{base}/catalog.{ext}?{urlencode(params)}"

    paging = {
        "self": link(number), "total": total, "per_page": PER_PAGE, "first": link(1),
        "last": link(last), "next": link(number + 1) if number < last else None,
        "previous": link(number - 1) if number > 1 else None,
    }  # fmt: skip
    graph = catalog_graph(
        base, settings.site_title, [(d, orgs[d.organization_id]) for d in rows], paging, profile
    )
    return Response(graph.serialize(format=FORMATS[ext]), media_type=MEDIA_TYPES[ext])


async def _stream_turtle(
    db: Database, base: str, title: str, conds: list[Any], profile: str
) -> AsyncIterator[bytes]:
    """The whole catalogue in batches: memory stays constant however large it is. Batches are
    written as N-Triples, which is valid Turtle, can be concatenated, and serialises several
    times faster than pretty Turtle."""
    after = None
    while True:
        async with db.sessions() as session:
            stmt = select(Dataset).where(and_(*conds)).order_by(Dataset.id).limit(STREAM_BATCH)
            if after is not None:
                stmt = stmt.where(Dataset.id > after)
            rows = list(await session.scalars(stmt))
            orgs = await datasets.organizations_by_id(session, {d.organization_id for d in rows})
        if not rows and after is not None:
            return
        graph = catalog_graph(
            base, title, [(d, orgs[d.organization_id]) for d in rows], None, profile
        )
        yield graph.serialize(format="nt").encode()
        if len(rows) < STREAM_BATCH:
            return
        after = rows[-1].id
        # A batch's graph is a web of cycles; collect it now rather than when the collector's
        # thresholds come round (raised after startup, see servicekit.runtime), which let the
        # export grow by 180 MiB instead of 40. Cheap: the startup heap is frozen.
        del graph, rows, orgs
        gc.collect()


for _ext in ("ttl", "rdf", "jsonld"):

    def _make(ext: str) -> None:
        @router.get(
            f"/catalog.{ext}",
            operation_id=f"getCatalog{ext.title()}",
            summary=f"The catalogue as {ext}",
            description="DCAT-AP.de catalogue of all published datasets, 100 per page with a "
            "Hydra PagedCollection (`page`), filterable by `modified_since`. `page=all` streams "
            "the whole catalogue as Turtle.",
            responses=RDF_RESPONSES,
            response_class=Response,
        )
        async def get_catalog(
            request: Request,
            db: Annotated[Database, Depends(get_db)],
            page: Annotated[str, Query(max_length=10)] = "1",
            modified_since: datetime | None = None,
            profile: Profile = "dcat_ap_de_2",
        ) -> Response:
            return await _catalog(request, db, ext, page, modified_since, profile)

    _make(_ext)


@router.get(
    "/catalog",
    operation_id="getCatalog",
    summary="The catalogue (content negotiation)",
    description="Like `/catalog.ttl`, in the RDF format the Accept header asks for.",
    responses=RDF_RESPONSES,
    response_class=Response,
)
async def get_catalog_negotiated(
    request: Request,
    db: Annotated[Database, Depends(get_db)],
    page: Annotated[str, Query(max_length=10)] = "1",
    modified_since: datetime | None = None,
    profile: Profile = "dcat_ap_de_2",
) -> Response:
    return await _catalog(request, db, _negotiate(request), page, modified_since, profile)


@router.get(
    "/dataset/{ref}",
    operation_id="getDatasetRdf",
    summary="A dataset as DCAT-AP.de RDF",
    description="`/dataset/{id-or-name}.ttl|.rdf|.jsonld`, or `/dataset/{id-or-name}` with "
    "content negotiation (Turtle by default).",
    responses=RDF_RESPONSES,
    response_class=Response,
)
async def get_dataset_rdf(
    ref: str,
    request: Request,
    db: Annotated[Database, Depends(get_db)],
    principal: Annotated[Principal, Depends(get_principal)],
    profile: Profile = "dcat_ap_de_2",
) -> Response:
    id_or_name, _, ext = ref.rpartition(".")
    if not id_or_name or ext not in FORMATS:
        id_or_name, ext = ref, _negotiate(request)
    async with db.sessions() as session:
        try:
            ds = await datasets.find(session, principal, id_or_name)
        except NotFound:
            raise NotFound(f"No dataset '{id_or_name}'.") from None
        org = await datasets.organization_of(session, ds)
    graph = dataset_graph(_settings(request).public_base_url, ds, org, profile)
    return Response(graph.serialize(format=FORMATS[ext]), media_type=MEDIA_TYPES[ext])
